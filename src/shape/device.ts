/**
 * The facts of a device hog shapes, from sysfs: that it exists, its ifindex, MTU and (for a device
 * with hardware behind it) its link speed. Software devices (veth, bridge, tun...) report a nominal
 * speed that is no limit (veth says 10000 Mb/s), so they count as "no speed": priorities there need
 * `hog shape link --rate`.
 */
import { NotFoundError, quote, UsageError } from '../errors.js';
import type { ShapeSystem } from './system.js';

export interface DeviceFacts {
  dev: string;
  ifindex: number;
  mtu: number;
  /** The link speed in bits/s where it is a limit (physical device); undefined otherwise. */
  speedBitsPerSecond: number | undefined;
}

export function checkDeviceName(dev: string): void {
  if (!/^[A-Za-z0-9_.:@-]{1,15}$/.test(dev) || dev === '.' || dev === '..') {
    throw new UsageError(`not a network device name: ${quote(dev)}`, { hint: '`ip link` lists the devices' });
  }
}

export function readDevice(system: ShapeSystem, dev: string): DeviceFacts {
  checkDeviceName(dev);
  const ifindex = Number(system.readNetSys(dev, 'ifindex'));
  if (!Number.isInteger(ifindex) || ifindex <= 0) {
    throw new NotFoundError(`no network device ${quote(dev)} here`, {
      hint: '`ip link` lists the devices of this network namespace',
    });
  }
  const mtu = Number(system.readNetSys(dev, 'mtu') ?? 1500);
  const physical = system.readNetSys(dev, 'device/uevent') !== undefined;
  const mbps = Number(system.readNetSys(dev, 'speed'));
  return {
    dev,
    ifindex,
    mtu: Number.isInteger(mtu) && mtu > 0 ? mtu : 1500,
    speedBitsPerSecond: physical && Number.isInteger(mbps) && mbps > 0 ? mbps * 1e6 : undefined,
  };
}
