/**
 * /proc/[pid]/fd/* — the open file descriptors of every process, each a link to what is open (a path,
 * "socket:[123]", "pipe:[456]", or a path followed by " (deleted)"). Other users' processes need root
 * (or CAP_SYS_PTRACE); those are counted, not read.
 */
import { readdirSync } from 'node:fs';
import { listPids } from './pids.js';
import { isDenied } from './procFile.js';

/** Call `visit` for every descriptor of every process whose descriptors may be listed. */
export function forEachOpenFd(
  procRoot: string,
  visit: (pid: number, fd: number, link: string) => void,
): { deniedProcesses: number } {
  let deniedProcesses = 0;
  for (const pid of listPids(procRoot)) {
    let fds: string[];
    try {
      fds = readdirSync(`${procRoot}/${pid}/fd`);
    } catch (error) {
      if (isDenied(error)) deniedProcesses++;
      continue; // exited meanwhile
    }
    for (const fd of fds) visit(pid, Number(fd), `${procRoot}/${pid}/fd/${fd}`);
  }
  return { deniedProcesses };
}
