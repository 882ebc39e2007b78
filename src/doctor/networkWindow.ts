/**
 * The network checks share one 2-second look at the network (src/net/netWindow.ts), kept per doctor
 * run. runChecks starts it before any check runs (Check.prepare): its first sample is taken at once,
 * the memory and disk checks run while it waits, and the network checks then wait only for what is
 * left of the 2 s. Tests put their own window in with setNetworkWindow.
 */
import { beginNetWindow, type NetWindow } from '../net/netWindow.js';
import type { DoctorContext } from './context.js';

/** How long the network is watched: iftop's shortest window. */
export const NETWORK_WINDOW_SECONDS = 2;

interface Pending {
  /** Settles once the first sample is taken (or taking it failed). */
  started: Promise<void>;
  window: Promise<NetWindow>;
}

const windows = new WeakMap<DoctorContext, Pending>();

function pending(context: DoctorContext): Pending {
  let entry = windows.get(context);
  if (!entry) {
    const open = beginNetWindow({
      procRoot: context.procRoot,
      sysRoot: context.sysRoot,
      clock: context.clock,
      seconds: NETWORK_WINDOW_SECONDS,
      // tc reads the live namespace: beside a captured /proc tree its numbers would be another machine's
      ...(context.procRoot === '/proc' ? {} : { qdiscs: async () => undefined }),
    });
    const window = open.then((w) => w.finish());
    // a failure is reported by the check that awaits the window, not as an unhandled rejection
    window.catch(() => undefined);
    entry = {
      started: open.then(
        () => undefined,
        () => undefined,
      ),
      window,
    };
    windows.set(context, entry);
  }
  return entry;
}

/** Start watching the network (once per run); resolves when the first sample is in. */
export function startNetworkWindow(context: DoctorContext): Promise<void> {
  return pending(context).started;
}

export function networkWindow(context: DoctorContext): Promise<NetWindow> {
  return pending(context).window;
}

export function setNetworkWindow(context: DoctorContext, window: NetWindow): void {
  windows.set(context, { started: Promise.resolve(), window: Promise.resolve(window) });
}
