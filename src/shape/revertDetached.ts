/**
 * The revert as a small detached process, where neither systemd nor atd can run it: `sh` sleeping
 * until the deadline, then exec'ing the guarded revert command. It is spawned in a session of its own
 * (setsid, Node's `detached`), so neither hog's death (kill -9) nor the terminal's hangup reach it,
 * and with no descriptor of hog's but its log. It costs one sh and one sleep (~1 MiB) for the wait.
 * It does not survive a reboot; neither do the tc rules it reverts.
 * Cancelling kills its process group (sh and its sleep) after checking PID and start time, so a PID
 * reused by another process is never signalled.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { UnsupportedError } from '../errors.js';
import { readStat } from '../proc/stat.js';
import type { RevertHandle, RevertJob } from './revertJob.js';

/** $0 is the name ps shows; the record guard is already part of job.command. */
const WAIT_THEN_RUN = 'sleep "$1" || exit 0; shift; exec "$@"';

export function scheduleDetached(job: RevertJob, procRoot = '/proc'): RevertHandle {
  const log = openSync(job.logPath, 'a', 0o600);
  try {
    const child = spawn(
      '/bin/sh',
      ['-c', WAIT_THEN_RUN, 'hog-shape-revert', (Math.max(0, job.delayMs) / 1000).toFixed(3), ...job.command],
      { detached: true, stdio: ['ignore', log, log], cwd: '/', env: { ...process.env, ...job.env } },
    );
    if (child.pid === undefined) {
      // spawn failed (/bin/sh missing or not executable, no process left): Node.js says why in an
      // 'error' event on the next tick, which would end hog as uncaught without this listener
      child.on('error', () => undefined);
      throw new UnsupportedError('could not start /bin/sh for the detached reverter');
    }
    child.unref();
    // the child exists once spawn returned a PID: its start time is fixed from fork on
    return { pid: child.pid, startTimeTicks: readStat(child.pid, procRoot).startTimeTicks };
  } finally {
    closeSync(log);
  }
}

/** Kill the waiting reverter if it is still the process that was started. Says why when it could not. */
export function cancelDetached(pid: number, startTimeTicks: number, procRoot = '/proc'): string | undefined {
  // the reverter exec's into the revert itself: when that is what asks, it must not end itself
  if (pid === process.pid) return undefined;
  let started: number;
  try {
    started = readStat(pid, procRoot).startTimeTicks;
  } catch {
    return undefined; // it has ended
  }
  if (started !== startTimeTicks) return undefined; // the PID belongs to another process now
  try {
    process.kill(-pid, 'SIGTERM'); // its group: sh and the sleep it waits for (setsid made pid the group)
    return undefined;
  } catch (error) {
    return `kill -TERM -${pid}: ${(error as Error).message}`;
  }
}
