/**
 * Whether a recorded process exec'd another program since its name was last read: `bash` -> `exec
 * python3` keeps the PID and the start time but gets a new comm. comm, not cmdline, is compared:
 * programs that rewrite their title (setproctitle: nginx, postgres) change cmdline without an exec.
 * The recorder (recorder.ts) renames the series and notes it.
 */
import { parseCmdline } from '../proc/cmdline.js';
import type { KeptFiles } from '../proc/keptFiles.js';
import { isVanished, readProcText } from '../proc/procFile.js';
import { readStat } from '../proc/stat.js';

export interface RecordedProcess {
  pid: number;
  /** 0 when not known: any start time is then the same process. */
  startTicks: number;
  /** The comm last read. */
  comm: string;
}

/**
 * The new name and command line of a process that exec'd, or undefined when its comm is unchanged,
 * it exited, or another process has its PID (the recorder's scan ends that series instead).
 * `files` keeps each comm open between checks.
 */
export function execRename(
  recorded: RecordedProcess,
  procRoot: string,
  files: KeptFiles,
): { comm: string; command: string | undefined } | undefined {
  let comm: string;
  try {
    comm = files.read(`${procRoot}/${recorded.pid}/comm`).replace(/\n$/, '');
  } catch (error) {
    if (isVanished(error)) return undefined; // it exited: the next tick ends its series
    throw error;
  }
  if (comm === recorded.comm || comm === '' || !sameProcess(recorded, procRoot)) return undefined;
  return { comm, command: readCommandLine(recorded.pid, procRoot) };
}

/** Still the process the series began with (its start time unchanged). Read only when comm changed. */
function sameProcess(recorded: RecordedProcess, procRoot: string): boolean {
  try {
    const stat = readStat(recorded.pid, procRoot);
    return recorded.startTicks === 0 || stat.startTimeTicks === recorded.startTicks;
  } catch (error) {
    if (isVanished(error)) return false;
    throw error;
  }
}

/** A process's command line as one string, or undefined when it has exited. */
export function readCommandLine(pid: number, procRoot: string): string | undefined {
  try {
    return parseCmdline(readProcText(`${procRoot}/${pid}/cmdline`)).join(' ');
  } catch (error) {
    if (isVanished(error)) return undefined;
    throw error;
  }
}
