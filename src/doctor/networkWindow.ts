/**
 * The network checks share one 2-second look at the network (src/net/netWindow.ts), taken the first
 * time a check asks for it and kept per doctor run. Tests put their own window in with
 * setNetworkWindow.
 */
import { type NetWindow, sampleNetWindow } from '../net/netWindow.js';
import type { DoctorContext } from './context.js';

/** How long the network is watched: iftop's shortest window. */
export const NETWORK_WINDOW_SECONDS = 2;

const windows = new WeakMap<DoctorContext, Promise<NetWindow>>();

export function networkWindow(context: DoctorContext): Promise<NetWindow> {
  let window = windows.get(context);
  if (!window) {
    window = sampleNetWindow({
      procRoot: context.procRoot,
      sysRoot: context.sysRoot,
      clock: context.clock,
      seconds: NETWORK_WINDOW_SECONDS,
    });
    windows.set(context, window);
  }
  return window;
}

export function setNetworkWindow(context: DoctorContext, window: NetWindow): void {
  windows.set(context, Promise.resolve(window));
}
