/**
 * What sysfs says about an interface: its link speed (/sys/class/net/IF/speed, in Mb/s, as ethtool
 * reports it) and whether it is virtual. Virtual devices (veth, bridges, tun, lo) and many VM NICs
 * (virtio) have no speed: the kernel answers -1 or EINVAL, and hog then shows absolute rates only.
 */
import { readlinkSync } from 'node:fs';
import { readProcText } from '../proc/procFile.js';

export interface LinkInfo {
  name: string;
  /** Link speed in bits per second; undefined when the kernel does not know it. */
  speedBitsPerSecond: number | undefined;
  /** A software device (under /sys/devices/virtual): veth, bridge, tun, lo, ifb... */
  virtual: boolean;
  /** operstate: up, down, unknown (lo and many virtual devices say "unknown" while working). */
  operstate: string;
}

/** The text of /sys/class/net/IF/speed -> bits per second (Mb/s * 10^6); -1 and garbage mean unknown. */
export function parseLinkSpeed(text: string): number | undefined {
  const mbps = Number(text.trim());
  return Number.isInteger(mbps) && mbps > 0 ? mbps * 1_000_000 : undefined;
}

function readOptional(path: string): string | undefined {
  try {
    return readProcText(path);
  } catch {
    // EINVAL from speed of a down or virtual link, ENOENT: both mean "not known"
    return undefined;
  }
}

export function readLinkInfo(name: string, sysRoot = '/sys'): LinkInfo {
  const dir = `${sysRoot}/class/net/${name}`;
  let target = '';
  try {
    target = readlinkSync(dir);
  } catch {
    // not a symlink in a fixture tree: judge by the speed alone
  }
  const speedText = readOptional(`${dir}/speed`);
  return {
    name,
    speedBitsPerSecond: speedText === undefined ? undefined : parseLinkSpeed(speedText),
    virtual: target.includes('/devices/virtual/'),
    operstate: readOptional(`${dir}/operstate`)?.trim() ?? 'unknown',
  };
}
