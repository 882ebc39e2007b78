/**
 * Process file descriptors: pidfd_open(2) and pidfd_send_signal(2) (Linux 5.3), through the
 * hog_procread addon since Node.js offers neither. A pidfd names one process for as long as it is
 * open: once that process exits, signalling through it fails with ESRCH even if its PID now belongs
 * to another. Without the addon (not built, or HOG_PROCREAD_ADDON=none) or on an older kernel
 * (ENOSYS), openPidfd says "unsupported" and the caller uses kill(2) instead.
 */
import { closeSync } from 'node:fs';
import { constants } from 'node:os';
import { loadAddon } from '../addon.js';

interface PidfdAddon {
  pidfdOpen?(pid: number): number;
  pidfdSendSignal?(fd: number, signal: number): number;
}

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

function addon(): Required<PidfdAddon> | undefined {
  const loaded = loadAddon<PidfdAddon>('hog_procread.node', 'HOG_PROCREAD_ADDON').addon;
  // an addon built before pidfd support has only readFiles
  return loaded?.pidfdOpen && loaded.pidfdSendSignal ? (loaded as Required<PidfdAddon>) : undefined;
}

/** A pidfd for `pid`; "gone" when no process has that PID; "unsupported" without addon or kernel support. */
export function openPidfd(pid: number): number | 'gone' | 'unsupported' {
  const native = addon();
  if (!native) return 'unsupported';
  const fd = native.pidfdOpen(pid);
  if (fd >= 0) return fd;
  const code = ERRNO_NAMES.get(-fd);
  if (code === 'ESRCH') return 'gone';
  // ENOSYS: a kernel before 5.3; EINVAL, EMFILE...: go the old way rather than not at all
  return 'unsupported';
}

/** Send `signal` through a pidfd; undefined when sent, else the errno code (ESRCH: it has exited). */
export function pidfdSignal(fd: number, signal: NodeJS.Signals): string | undefined {
  const native = addon();
  // a pidfd exists only where openPidfd had the addon: without it the caller got 'unsupported'
  if (!native) throw new Error('pidfdSignal() on a pidfd while the hog_procread addon is not loaded');
  const result = native.pidfdSendSignal(fd, constants.signals[signal]);
  return result === 0 ? undefined : (ERRNO_NAMES.get(-result) ?? `errno ${-result}`);
}

export function closePidfd(fd: number): void {
  closeSync(fd);
}
