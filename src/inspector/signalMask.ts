/**
 * Does a process catch SIGUSR1? From /proc/PID/status's SigCgt, the mask of signals with a handler
 * (proc_pid_status(5): bit N-1 is signal N; SIGUSR1 is 10 on Linux, so bit 9).
 *
 * What the mask can and cannot tell (measured on Node.js 20.20): Node.js installs its own SIGUSR1
 * handler at start-up (it opens the inspector), and an application's process.on('SIGUSR1') replaces
 * it through libuv; both show the same SigCgt (0000000100004602 for a plain script and for one with a
 * SIGUSR1 listener). So the bit set means "Node's handler OR the application's", never which. The bit
 * clear means nobody catches it and SIGUSR1 would terminate the process (started with
 * --disable-sigusr1, or a listener added then removed: libuv restores SIG_DFL).
 */
import { readFileSync } from 'node:fs';
import { parseStatusMask } from '../proc/status.js';

export const SIGUSR1 = 10;

export function catchesSignal(mask: bigint, signal: number): boolean {
  return (mask & (1n << BigInt(signal - 1))) !== 0n;
}

/** Whether PID catches SIGUSR1 now; throws when its status cannot be read (gone). */
export function catchesSigusr1(pid: number, procRoot: string): boolean {
  const mask = parseStatusMask(readFileSync(`${procRoot}/${pid}/status`, 'latin1'), 'SigCgt');
  return mask !== undefined && catchesSignal(mask, SIGUSR1);
}
