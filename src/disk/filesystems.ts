/**
 * Mounted filesystems as the disk commands need them: which ones hold data (and which are kernel
 * pseudo filesystems a scan should not enter), the mount a path lives on, and device numbers as
 * stat() reports them.
 */
import type { Mount } from '../proc/mountinfo.js';

/**
 * Kernel and virtual filesystems: no disk space behind them. A scan does not enter them below its root
 * (as gdu skips /proc, /sys, /dev and /run), and hog disk df does not list them.
 */
export const PSEUDO_FS_TYPES = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'cgroup',
  'cgroup2',
  'securityfs',
  'debugfs',
  'tracefs',
  'pstore',
  'bpf',
  'configfs',
  'fusectl',
  'mqueue',
  'hugetlbfs',
  'binfmt_misc',
  'autofs',
  'nsfs',
  'efivarfs',
  'selinuxfs',
  'rpc_pipefs',
  'nfsd',
  'ramfs',
]);

/** st_dev from a major:minor pair, encoded as glibc's makedev() does (sys/sysmacros.h). */
export function makedev(major: number, minor: number): number {
  // ((major & 0xfffff000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00) << 12) | (minor & 0xff),
  // in arithmetic that stays exact in a double
  return (
    Math.floor(major / 4096) * 4096 * 2 ** 32 +
    (major % 4096) * 256 +
    Math.floor(minor / 256) * 256 * 4096 +
    (minor % 256)
  );
}

export function deviceOf(mount: Mount): number {
  return makedev(mount.major, mount.minor);
}

/** Devices of the pseudo filesystems mounted here, for the walker's skip list. */
export function pseudoDevices(mounts: readonly Mount[]): number[] {
  return [...new Set(mounts.filter((m) => PSEUDO_FS_TYPES.has(m.fsType)).map(deviceOf))];
}

/** The mount a path lives on: the longest mount point that is the path or one of its parents. */
export function mountOf(path: string, mounts: readonly Mount[]): Mount | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const inside = m.mountPoint === '/' || path === m.mountPoint || path.startsWith(`${m.mountPoint}/`);
    // later mounts on the same point hide earlier ones, so >= keeps the last
    if (inside && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

/** The mount of a device number, preferring the one that shows the whole filesystem (root "/"). */
export function mountOfDevice(dev: number, mounts: readonly Mount[]): Mount | undefined {
  const matches = mounts.filter((m) => deviceOf(m) === dev);
  return matches.find((m) => m.root === '/') ?? matches[0];
}

/** Mounted read-only, by the mount's own flags or its filesystem's (an ext4 remounted ro after errors). */
export function isReadOnly(mount: Mount): boolean {
  return mount.mountOptions.includes('ro') || mount.superOptions.includes('ro');
}
