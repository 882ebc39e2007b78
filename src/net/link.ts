/**
 * What sysfs says about an interface: its link speed (/sys/class/net/IF/speed, in Mb/s, as ethtool
 * reports it), what kind of device it is, and whether that speed is a limit.
 *
 * Only a device with hardware behind it has a line rate. The kernel links such a device to its bus
 * device (/sys/class/net/IF/device, set by SET_NETDEV_DEV in the driver); software devices live under
 * /sys/devices/virtual/net and have no `device`. Many of those still report a speed that is only a
 * number: veth and tun/tap answer 10000 Mb/s whatever they carry (an unlimited iperf3 moves 10-20 Gb/s
 * over a veth pair), a VLAN or macvlan repeats its lower device's speed. So:
 *   physical (has `device`)     the reported speed is the limit (a VM NIC may still exceed it: the
 *                               doctor then says the speed is not a limit and judges by drops)
 *   bond                        the kernel reports the sum of its active slaves' speeds (the active
 *                               one in active-backup): the aggregate limit. Its slaves are physical and
 *                               judged on their own speed, which is where one hashed flow saturates.
 *   veth, bridge, tun/tap,      nominal: not a limit. Their traffic is judged by drops and queues, and
 *   vlan, lo, anything virtual  stacked devices (vlan, macvlan) are judged on their lower device.
 */
import { existsSync, readlinkSync } from 'node:fs';
import { readProcText } from '../proc/procFile.js';

/**
 * From sysfs markers: `bridge/` (bridge), `bonding/` (bond master), `tun_flags` (tun or tap by
 * IFF_TAP), DEVTYPE=vlan in uevent, type 772 (ARPHRD_LOOPBACK). `virtual` is any other software device:
 * veth, macvlan, ipvlan, vxlan, dummy, wireguard... sysfs does not tell them apart (ethtool -i asks the
 * driver through an ioctl; `ip -d link` through netlink).
 */
export type LinkKind = 'physical' | 'bond' | 'bridge' | 'tun' | 'tap' | 'vlan' | 'loopback' | 'virtual';

export interface LinkInfo {
  name: string;
  /**
   * The speed that limits the link, bits per second: the reported speed of a physical device or a
   * bond; undefined when unknown or only nominal (virtual devices).
   */
  speedBitsPerSecond: number | undefined;
  /** What /sys/class/net/IF/speed says, nominal or not (veth: 10 Gb/s); undefined when it says nothing. */
  reportedSpeedBitsPerSecond: number | undefined;
  kind: LinkKind;
  /** A software device (no hardware behind it): everything but `physical`. */
  virtual: boolean;
  /** operstate: up, down, unknown (lo and many virtual devices say "unknown" while working). */
  operstate: string;
}

/** The text of /sys/class/net/IF/speed -> bits per second (Mb/s * 10^6); -1 and garbage mean unknown. */
export function parseLinkSpeed(text: string): number | undefined {
  const mbps = Number(text.trim());
  return Number.isInteger(mbps) && mbps > 0 ? mbps * 1_000_000 : undefined;
}

/** IFF_TAP in /sys/class/net/IF/tun_flags (include/uapi/linux/if_tun.h). */
const IFF_TAP = 0x0002;
const ARPHRD_LOOPBACK = 772;

/** What a device's sysfs directory holds, as plain values (a fixture can give them without a tree). */
export interface LinkSysfs {
  /** /sys/class/net/IF/device exists: a bus device (PCI, USB, virtio...) is behind it. */
  hasDevice: boolean;
  hasBridgeDir: boolean;
  hasBondingDir: boolean;
  tunFlags: string | undefined;
  uevent: string | undefined;
  type: string | undefined;
  speed: string | undefined;
}

export function linkKind(sysfs: LinkSysfs): LinkKind {
  if (sysfs.hasBondingDir) return 'bond';
  if (sysfs.hasBridgeDir) return 'bridge';
  if (sysfs.tunFlags !== undefined) return (Number(sysfs.tunFlags.trim()) & IFF_TAP) !== 0 ? 'tap' : 'tun';
  if (/^DEVTYPE=vlan$/m.test(sysfs.uevent ?? '')) return 'vlan';
  if (Number(sysfs.type?.trim()) === ARPHRD_LOOPBACK) return 'loopback';
  return sysfs.hasDevice ? 'physical' : 'virtual';
}

/** The pure part of readLinkInfo: kind, reported speed, and whether that speed is a limit. */
export function linkInfoOf(name: string, sysfs: LinkSysfs, operstate = 'unknown'): LinkInfo {
  const kind = linkKind(sysfs);
  const reported = sysfs.speed === undefined ? undefined : parseLinkSpeed(sysfs.speed);
  const limits = kind === 'physical' || kind === 'bond';
  return {
    name,
    speedBitsPerSecond: limits ? reported : undefined,
    reportedSpeedBitsPerSecond: reported,
    kind,
    virtual: kind !== 'physical',
    operstate,
  };
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
    // not a symlink in a fixture tree: the `device` entry alone tells
  }
  const sysfs: LinkSysfs = {
    hasDevice: !target.includes('/devices/virtual/') && existsSync(`${dir}/device`),
    hasBridgeDir: existsSync(`${dir}/bridge`),
    hasBondingDir: existsSync(`${dir}/bonding`),
    tunFlags: readOptional(`${dir}/tun_flags`),
    uevent: readOptional(`${dir}/uevent`),
    type: readOptional(`${dir}/type`),
    speed: readOptional(`${dir}/speed`),
  };
  return linkInfoOf(name, sysfs, readOptional(`${dir}/operstate`)?.trim() ?? 'unknown');
}
