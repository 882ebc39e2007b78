/**
 * Signalling the process the user chose, and only that one (hog top's k). A PID alone names whoever
 * holds it now: between the moment the user picks a row and the moment they confirm, the process can
 * exit and the kernel can hand its PID to another (a busy machine goes through pid_max in minutes, and
 * the user may take a while to answer). So a PID travels with the process's start time (field 22 of
 * /proc/PID/stat, clock ticks after boot: two processes holding the same PID one after the other
 * differ in it), and the signal goes only if the PID still has that start time.
 *
 * With a pidfd (proc/pidfd.ts: the hog_procread addon, Linux 5.3) no window remains: the descriptor is
 * opened first, then the start time checked. A PID names one process at a time, and the chosen one
 * held it before the open and still holds it at the check, so the descriptor names the chosen process
 * and the signal can reach no other; had it exited since, sending fails with ESRCH. Without one
 * (no addon, an older kernel) the check is followed by kill(2) within one synchronous call, and the
 * window left is those microseconds: the chosen process would have to exit, be reaped and its PID be
 * given to a new process in between.
 */
import { errnoCode } from '../errors.js';
import { closePidfd, openPidfd, pidfdSignal } from '../proc/pidfd.js';
import { readStat } from '../proc/stat.js';

/** A process as the user chose it: its PID, its start time then, and its name for messages. */
export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/PID/stat, clock ticks after boot. */
  startTimeTicks: number;
  /** The command name (comm), as the row showed it. */
  name: string;
}

export type SignalOutcome =
  | { kind: 'sent' }
  /** No process has that PID any more, or only its zombie is left: nothing was sent. */
  | { kind: 'gone' }
  /** The PID now belongs to another process (started later): nothing was sent. */
  | { kind: 'replaced'; now: ProcessIdentity }
  | { kind: 'denied' }
  | { kind: 'failed'; message: string };

/** The process holding `pid` now, with its state; undefined when there is none. */
export function currentProcess(
  pid: number,
  procRoot = '/proc',
): (ProcessIdentity & { state: string }) | undefined {
  try {
    const stat = readStat(pid, procRoot);
    return { pid, startTimeTicks: stat.startTimeTicks, name: stat.comm, state: stat.state };
  } catch (error) {
    const code = errnoCode(error);
    // ENOENT: gone; ESRCH: the kernel tore it down while we read
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw error;
  }
}

/** Send `signal` to `target` if its PID still belongs to it; say what happened. */
export function signalProcess(
  target: ProcessIdentity,
  signal: NodeJS.Signals,
  procRoot = '/proc',
  options: { pidfd?: boolean } = {},
): SignalOutcome {
  const handle = options.pidfd === false ? 'unsupported' : openPidfd(target.pid);
  if (handle === 'gone') return { kind: 'gone' };
  try {
    const mismatch = check(target, procRoot);
    if (mismatch) return mismatch;
    if (handle !== 'unsupported') return outcomeOf(pidfdSignal(handle, signal));
    // nothing between the check above and this call: no await, no I/O (the window above)
    try {
      process.kill(target.pid, signal);
      return { kind: 'sent' };
    } catch (error) {
      return outcomeOf(errnoCode(error) ?? (error as Error).message);
    }
  } finally {
    if (handle !== 'unsupported') closePidfd(handle);
  }
}

/** Why the PID no longer names the target (gone, replaced, unreadable), or undefined if it does. */
function check(target: ProcessIdentity, procRoot: string): SignalOutcome | undefined {
  let now: ReturnType<typeof currentProcess>;
  try {
    now = currentProcess(target.pid, procRoot);
  } catch (error) {
    return { kind: 'failed', message: (error as Error).message };
  }
  if (now === undefined || (now.startTimeTicks === target.startTimeTicks && now.state === 'Z')) {
    return { kind: 'gone' };
  }
  if (now.startTimeTicks !== target.startTimeTicks) {
    return { kind: 'replaced', now: { pid: now.pid, startTimeTicks: now.startTimeTicks, name: now.name } };
  }
  return undefined;
}

/** The outcome of sending, from the errno code of the failure (undefined: sent). */
function outcomeOf(code: string | undefined): SignalOutcome {
  if (code === undefined) return { kind: 'sent' };
  if (code === 'EPERM') return { kind: 'denied' };
  if (code === 'ESRCH') return { kind: 'gone' };
  return { kind: 'failed', message: code };
}
