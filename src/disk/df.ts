/**
 * Collecting what `hog disk df` reconciles: the filesystems to look at (one per device, pseudo
 * filesystems left out), statfs for each, a one-file-system scan of each, and the deleted-but-open
 * files on each.
 */
import { statfsSync } from 'node:fs';
import type { Mount } from '../proc/mountinfo.js';
import type { StatfsNumbers } from './dfReconcile.js';
import { deviceOf, mountOf, PSEUDO_FS_TYPES } from './filesystems.js';

/**
 * Filesystems with data, one mount per device: the one showing the whole filesystem, else the shortest
 * path; mounts hidden by a later mount on the same point are left out.
 */
export function dataFilesystems(mounts: readonly Mount[], paths: readonly string[] = []): Mount[] {
  const chosen = new Map<number, Mount>();
  const wanted =
    paths.length > 0
      ? new Set(paths.map((p) => mountOf(p, mounts)).filter((m): m is Mount => m !== undefined))
      : undefined;
  // a later mount on the same mount point hides the earlier one
  const visible = mounts.filter(
    (m, i) => !mounts.slice(i + 1).some((later) => later.mountPoint === m.mountPoint),
  );
  for (const m of visible) {
    if (PSEUDO_FS_TYPES.has(m.fsType)) continue;
    if (wanted && ![...wanted].some((w) => deviceOf(w) === deviceOf(m))) continue;
    const dev = deviceOf(m);
    const best = chosen.get(dev);
    const better =
      !best ||
      (m.root === '/' && best.root !== '/') ||
      (m.root === best.root && m.mountPoint.length < best.mountPoint.length);
    if (better) chosen.set(dev, m);
  }
  return [...chosen.values()].sort((a, b) => a.mountPoint.localeCompare(b.mountPoint));
}

export function readStatfs(path: string): StatfsNumbers {
  const s = statfsSync(path);
  return {
    blockSize: s.bsize,
    blocks: s.blocks,
    blocksFree: s.bfree,
    blocksAvailable: s.bavail,
    inodes: s.files,
    inodesFree: s.ffree,
  };
}
