/** The words of the disk page: how full a mount is and when it will be full at the recorded rate. */
import { formatBytes, formatIn, formatShare } from './format.js';
import type { Fill, Mount } from './wire.js';

/**
 * How full the mount is as df's Use% counts it: used / (used + available), so the blocks reserved for
 * root (and, on thin or quota-limited volumes, space the filesystem has but cannot give) count as
 * full. The share users compare with df and with hog doctor; used / size read 10.9% where df said 26%.
 */
export function usedPercent(mount: Mount): number | undefined {
  const usable = mount.usedBytes + mount.availBytes;
  return usable > 0 ? (mount.usedBytes / usable) * 100 : undefined;
}

/** "12.3 GiB of 50.0 GiB (24.6%)", the share as df counts it. */
export function usageText(mount: Mount): string {
  return `${formatBytes(mount.usedBytes)} of ${formatBytes(mount.sizeBytes)} (${formatShare(mount.usedBytes, mount.usedBytes + mount.availBytes)})`;
}

/** "1.2M of 3.3M inodes used (36.4%)"; "-" for filesystems without inodes (btrfs, vfat report 0). */
export function inodeText(mount: Mount): string {
  if (mount.inodesTotal <= 0) return '-';
  const used = mount.inodesTotal - mount.inodesFree;
  return `${compactCount(used)} of ${compactCount(mount.inodesTotal)} used (${formatShare(used, mount.inodesTotal)})`;
}

function compactCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return `${n}`;
}

/** The fill forecast: "full in 3d 4h (+1.2 MiB/s)", "not filling", "not enough history". */
export function fillText(fill: Fill | null, now: number): string {
  if (fill === null) return 'not enough history';
  if (fill.bytesPerSecond <= 0 || fill.fullAt === null) {
    return fill.bytesPerSecond < 0
      ? `not filling (freeing ${formatBytes(-fill.bytesPerSecond)}/s)`
      : 'not filling';
  }
  return `full ${formatIn(fill.fullAt, now)} (+${formatBytes(fill.bytesPerSecond)}/s)`;
}

/** Whether the forecast deserves the warning colour: full within a day. */
export function fillUrgent(fill: Fill | null, now: number): boolean {
  return fill !== null && fill.fullAt !== null && fill.bytesPerSecond > 0 && fill.fullAt - now < 86_400_000;
}
