/**
 * Opening a session with a running Node.js process's inspector, as Chrome DevTools would, and closing
 * what hog opened. When the inspector is already open (--inspect, or an earlier SIGUSR1 left it on its
 * port), hog only connects and leaves it open. Otherwise SIGUSR1 makes Node.js open it on 127.0.0.1
 * (port 9229 unless --inspect-port), after these checks, each refusing with the reason:
 * - the process catches SIGUSR1 at all (else the signal terminates it: not even --force sends it);
 * - nobody else holds the port it would open on (the holder is named);
 * - --force: from outside, Node's own SIGUSR1 handler and an application's process.on('SIGUSR1') look
 *   the same (signalMask.ts), and the application's handler would fire instead (log rotation...).
 * An inspector hog opened gets the close guard (closeGuard.ts) at once and is closed on release().
 */
import { readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode, HogError, NotFoundError, PermissionError, quote, UsageError } from '../errors.js';
import { readStat } from '../proc/stat.js';
import { ARM_EXPRESSION, CLOSE_EXPRESSION, GUARD_PRESENT_EXPRESSION } from './closeGuard.js';
import {
  findInspector,
  inspectorPortOf,
  isNodeExecutable,
  listeningPorts,
  startedWithInspector,
} from './discovery.js';
import { type PortHolder, portHolder } from './portHolder.js';
import { InspectorSession } from './session.js';
import { catchesSigusr1 } from './signalMask.js';

/** How long Node.js may take to open its inspector after SIGUSR1. */
export const OPEN_TIMEOUT_MS = 5000;
export const CALL_TIMEOUT_MS = 2000;

export interface AttachOptions {
  /** Send SIGUSR1 although hog cannot tell whether the application handles it itself. */
  force?: boolean;
  /** The flag that gives that consent, for the hint (--force, --sigusr1). */
  consentFlag?: string;
  /**
   * Started right before SIGUSR1 and disarmed once the close guard is armed (or the attempt failed):
   * a process outside hog that closes the inspector should hog die in between (inspectorWatchdog).
   */
  watchdog?: (pid: number, startTicks: number, portsBefore: readonly number[]) => { disarm(): void };
  openTimeoutMs?: number;
}

export interface Attachment {
  pid: number;
  port: number;
  /** hog opened the inspector (and closes it on release); false: it was open already, and stays so. */
  openedByHog: boolean;
  session: InspectorSession;
  /** Renew the close guard's lease (before a request that may take long). */
  renew(): Promise<void>;
  /** Disconnect; close the inspector if hog opened it, and wait (briefly) until its port is gone. */
  release(): Promise<void>;
}

export async function attachInspector(
  pid: number,
  procRoot: string,
  options: AttachOptions = {},
): Promise<Attachment> {
  const startTicks = checkNodeProcess(pid, procRoot);
  if (startedWithInspector(pid, procRoot)) {
    const open = await findInspector(listeningPorts(pid, procRoot, true), 500);
    if (open) return connect(pid, procRoot, open, false);
  }
  const port = inspectorPortOf(pid, procRoot);
  const holder = portHolder(pid, port, procRoot);
  if (holder && holder.pid === pid) {
    // the process itself listens there: its inspector, opened before hog came (or its own server)
    const open = await findInspector([port], 500);
    if (open) return connect(pid, procRoot, open, false);
  }
  refuseUnsafeSignal(pid, procRoot, port, holder, options);
  const before = listeningPorts(pid, procRoot);
  const watchdog = options.watchdog?.(pid, startTicks, before);
  try {
    // identify the process by PID and start time right before signalling it
    if (readStat(pid, procRoot).startTimeTicks !== startTicks) throw gone(pid);
    try {
      process.kill(pid, 'SIGUSR1');
    } catch (error) {
      throw new PermissionError(
        `cannot signal PID ${pid} to open its inspector (${errnoCode(error) ?? String(error)})`,
        { hint: 'run hog as root or as the process owner', cause: error },
      );
    }
    const found = await waitForNewInspector(pid, procRoot, before, options.openTimeoutMs ?? OPEN_TIMEOUT_MS);
    return await connect(pid, procRoot, found, true);
  } finally {
    watchdog?.disarm(); // the guard is armed now, or there is nothing hog opened
  }
}

/**
 * What a watchdog does when hog died between SIGUSR1 and the close guard: find the inspector that
 * signal opened (a new loopback port of the same process, PID and start time) and close it.
 * Returns false when there is none within OPEN_TIMEOUT_MS (the process handled the signal itself,
 * or is gone).
 */
export async function closeAbandonedInspector(
  pid: number,
  startTicks: number,
  portsBefore: readonly number[],
  procRoot: string,
): Promise<boolean> {
  try {
    if (readStat(pid, procRoot).startTimeTicks !== startTicks) return false;
    await closeOnce(await waitForNewInspector(pid, procRoot, portsBefore, OPEN_TIMEOUT_MS));
    return true;
  } catch {
    return false;
  }
}

/** Throws, with the reason, when SIGUSR1 must not be sent (see the head of this file). */
function refuseUnsafeSignal(
  pid: number,
  procRoot: string,
  port: number,
  holder: PortHolder | undefined,
  options: AttachOptions,
): void {
  if (!catchesSigusr1(pid, procRoot)) {
    throw new UsageError(`PID ${pid} does not catch SIGUSR1: the signal would terminate it`, {
      hint: 'it was started with --disable-sigusr1, or removed a SIGUSR1 listener; start it with --inspect=127.0.0.1:0 to read its heap',
    });
  }
  if (holder && holder.pid !== pid) {
    const who =
      holder.pid === undefined
        ? 'a process hog cannot see'
        : `PID ${holder.pid} (${JSON.stringify(holder.name)})`;
    throw new UsageError(
      `port ${holder.address}:${port}, where the inspector of PID ${pid} would open, is held by ${who}`,
      { hint: `stop that listener, or start PID ${pid} with --inspect-port=0 to open it on any free port` },
    );
  }
  if (!options.force) {
    throw new UsageError(
      `hog cannot tell whether PID ${pid} handles SIGUSR1 itself: /proc shows Node's own handler and an application's process.on('SIGUSR1') alike, and an application's handler would fire instead of the inspector opening`,
      {
        hint: `if it does not handle SIGUSR1 (most programs), rerun with ${options.consentFlag ?? '--force'}; or start it with --inspect=127.0.0.1:0 so no signal is needed`,
      },
    );
  }
}

/** The inspector SIGUSR1 opened: a new loopback port of the process answering as one. */
async function waitForNewInspector(
  pid: number,
  procRoot: string,
  before: readonly number[],
  timeoutMs: number,
): Promise<{ port: number; path: string }> {
  const deadline = Date.now() + timeoutMs;
  // not abortable: once signalled, the inspector opens, and hog must find it to close it again.
  // Polled every 5 ms: until the guard is armed, a SIGKILLed hog would leave the inspector open
  while (Date.now() < deadline) {
    await sleep(5);
    const fresh = listeningPorts(pid, procRoot, true).filter((p) => !before.includes(p));
    const found = await findInspector(fresh, 500);
    if (found) return found;
  }
  throw new UsageError(
    `the inspector of PID ${pid} did not open within ${timeoutMs / 1000} s after SIGUSR1`,
    {
      hint: "it may handle SIGUSR1 itself, or its port was taken meanwhile: see the process's stderr",
    },
  );
}

/** Its start time; throws a clear error when PID is gone, unreadable, or not Node.js. */
function checkNodeProcess(pid: number, procRoot: string): number {
  let exe: string;
  let startTicks: number;
  try {
    startTicks = readStat(pid, procRoot).startTimeTicks;
    exe = readlinkSync(`${procRoot}/${pid}/exe`);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new PermissionError(`PID ${pid} is not readable by this user`, {
        hint: 'run hog as root or as its owner',
        cause: error,
      });
    }
    throw gone(pid);
  }
  if (!isNodeExecutable(exe)) {
    throw new UsageError(`PID ${pid} is not a Node.js process (${JSON.stringify(exe).slice(1, -1)})`, {
      hint: 'hog reads the V8 heap of Node.js processes only; find them with pgrep -a node',
    });
  }
  return startTicks;
}

function gone(pid: number): NotFoundError {
  return new NotFoundError(`no process with PID ${pid}`, {
    hint: 'it may have exited, or be a kernel thread; find PIDs with `hog ps` or pgrep',
  });
}

async function connect(
  pid: number,
  procRoot: string,
  found: { port: number; path: string },
  signalled: boolean,
): Promise<Attachment> {
  let openedByHog = signalled;
  let session: InspectorSession;
  try {
    session = await InspectorSession.open('127.0.0.1', found.port, found.path, CALL_TIMEOUT_MS);
  } catch (error) {
    // the inspector hog opened must not stay open because the WebSocket failed: its guard is not
    // armed yet, so one more connection only to close it (a second failure is reported as it is)
    if (openedByHog) await closeOnce(found).catch(() => undefined);
    throw error;
  }
  const renew = async () => {
    const armed = await session.evaluate(ARM_EXPRESSION, CALL_TIMEOUT_MS, true);
    // the target's answer (no node:inspector, timers replaced...): reachable, not a bug of hog's
    if (armed !== 'armed')
      throw new HogError(`cannot arm the inspector's close guard in PID ${pid} (it said ${quote(armed)})`, {
        hint: 'hog closes the inspector itself when it ends; if hog is killed it stays open on loopback until the process ends',
      });
  };
  if (!signalled) {
    // open before this hog came, but by another hog (its guard is there: it was SIGKILLed, or
    // still reads): hog's to close, not the application's
    openedByHog =
      (await session.evaluate(GUARD_PRESENT_EXPRESSION, CALL_TIMEOUT_MS).catch(() => false)) === true;
  }
  if (openedByHog) {
    try {
      await renew();
    } catch (error) {
      await session.close();
      throw new HogError(
        `PID ${pid}: ${(error as Error).message}; its inspector stays open on 127.0.0.1:${found.port}`,
        {
          hint: 'it listens on loopback only and closes when the process ends; restart the process when you can, and rerun with --verbose to see why',
          cause: error,
        },
      );
    }
  }
  return {
    pid,
    port: found.port,
    openedByHog,
    session,
    renew: openedByHog ? renew : async () => undefined,
    release: async () => {
      if (openedByHog && !session.closed) {
        await session.evaluate(CLOSE_EXPRESSION, CALL_TIMEOUT_MS).catch(() => undefined);
      }
      await session.close();
      if (openedByHog) await portClosed(pid, procRoot, found.port);
    },
  };
}

async function closeOnce(found: { port: number; path: string }): Promise<void> {
  const session = await InspectorSession.open('127.0.0.1', found.port, found.path, CALL_TIMEOUT_MS);
  await session.evaluate(ARM_EXPRESSION, CALL_TIMEOUT_MS, true);
  await session.evaluate(CLOSE_EXPRESSION, CALL_TIMEOUT_MS);
  await session.close();
}

/** Wait until the port is no longer the process's (the inspector closed), at most a second. */
async function portClosed(pid: number, procRoot: string, port: number): Promise<void> {
  for (let i = 0; i < 40; i++) {
    try {
      if (!listeningPorts(pid, procRoot).includes(port)) return;
    } catch {
      return; // the process is gone
    }
    await sleep(25);
  }
}
