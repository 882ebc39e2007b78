/**
 * /proc/[pid]/cmdline — the arguments separated (and usually terminated) by NUL bytes. Empty for kernel
 * threads and zombies. A process may rewrite its own argv (setproctitle), leaving one space-separated
 * string; it is returned as it is.
 */
import { readProcText } from './procFile.js';

export function parseCmdline(text: string): string[] {
  if (text === '') return [];
  const args = text.split('\0');
  // the terminating NUL, and the NUL padding left when a process shortens its title (setproctitle)
  while (args.length > 0 && args[args.length - 1] === '') args.pop();
  return args;
}

export function readCmdline(pid: number, procRoot = '/proc'): string[] {
  return parseCmdline(readProcText(`${procRoot}/${pid}/cmdline`));
}
