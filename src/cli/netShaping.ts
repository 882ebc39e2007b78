/**
 * `hog net`'s CLASS column: each connection's hog shape class, from the rules hog shape recorded in
 * this network namespace (read again every tick, so rules added or removed meanwhile show), matched
 * by shape/classify.ts. The connection's device is the one holding its local address. A state file
 * hog cannot read leaves the column empty rather than stopping hog net.
 */
import { networkInterfaces } from 'node:os';
import type { ConnectionRow } from '../net/monitor.js';
import { classifyConnection, connectionDevice, type ShapedDevice, shapedDevice } from '../shape/classify.js';
import { readShapeState, stateDevices, stateDir } from '../shape/state.js';

/** The devices hog shapes here; empty when none (or the state cannot be read). */
export function readShapedDevices(dir = stateDir()): ShapedDevice[] {
  const devices: ShapedDevice[] = [];
  try {
    for (const dev of stateDevices(dir)) {
      const state = readShapeState(dev, dir);
      if (state) devices.push(shapedDevice(state));
    }
  } catch {
    // no namespace id, a foreign or broken file: hog shape list says what is wrong with it
  }
  return devices;
}

/** Set `shaping` on each connection that hog shape classifies. */
export function addShapingClasses(connections: ConnectionRow[], devices: readonly ShapedDevice[]): void {
  if (devices.length === 0) return;
  const addresses = new Map<string, string>();
  for (const [dev, list] of Object.entries(networkInterfaces()))
    for (const a of list ?? []) addresses.set(a.address, dev);
  for (const c of connections) {
    const dev = connectionDevice(c.local.address, c.remote.address, addresses);
    const classes = classifyConnection({ local: c.local, remote: c.remote, dev }, devices);
    if (classes.length > 0) c.shaping = classes;
  }
}
