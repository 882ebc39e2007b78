/**
 * Why df and du disagree, for one filesystem, from statfs(2) and a scan. statfs gives, in blocks of
 * f_frsize: f_blocks (size), f_bfree (free, root included) and f_bavail (free to ordinary users).
 * df prints Used = size - free and Avail = f_bavail; the two do not add up to Size because
 *   size = used + available + reserved,  reserved = f_bfree - f_bavail   (kept for root; ext4 -m 5%)
 * and used itself splits into what a scan can see and what it cannot:
 *   used = visible files (du -x of the mount point) + deleted-but-open files + unexplained
 * Unexplained is filesystem metadata, files hidden under a mount point, and what the scanning user may
 * not read; negative when the filesystem stores less than the files claim (compression, shared extents).
 * df's Use% is used / (used + available), rounded up (coreutils df.c), so a disk "100% full" may still
 * have reserved blocks free for root.
 */

export interface StatfsNumbers {
  /** f_frsize (Node's statfs reports f_bsize, equal to it on Linux filesystems). */
  blockSize: number;
  blocks: number;
  blocksFree: number;
  blocksAvailable: number;
  inodes: number;
  inodesFree: number;
}

export interface Reconciliation {
  sizeBytes: number;
  usedBytes: number;
  availableBytes: number;
  reservedBytes: number;
  /** df's Use%. */
  usePercent: number;
  visibleBytes: number | undefined;
  deletedOpenBytes: number;
  unexplainedBytes: number | undefined;
  inodes: {
    total: number;
    used: number;
    free: number;
    usePercent: number | undefined;
    visible: number | undefined;
  };
}

export function dfUsePercent(used: number, available: number): number {
  const total = used + available;
  return total > 0 ? Math.ceil((used / total) * 100) : 0;
}

export function reconcile(
  s: StatfsNumbers,
  visible: { bytes: number; inodes: number } | undefined,
  deletedOpenBytes: number,
): Reconciliation {
  const sizeBytes = s.blocks * s.blockSize;
  const freeBytes = s.blocksFree * s.blockSize;
  const availableBytes = s.blocksAvailable * s.blockSize;
  const usedBytes = sizeBytes - freeBytes;
  const inodesUsed = s.inodes - s.inodesFree;
  return {
    sizeBytes,
    usedBytes,
    availableBytes,
    reservedBytes: freeBytes - availableBytes,
    usePercent: dfUsePercent(usedBytes, availableBytes),
    visibleBytes: visible?.bytes,
    deletedOpenBytes,
    unexplainedBytes: visible === undefined ? undefined : usedBytes - visible.bytes - deletedOpenBytes,
    inodes: {
      total: s.inodes,
      used: inodesUsed,
      free: s.inodesFree,
      // btrfs and some others report no inode limit (0): nothing to exhaust
      usePercent: s.inodes > 0 ? dfUsePercent(inodesUsed, s.inodesFree) : undefined,
      visible: visible?.inodes,
    },
  };
}

/** What the numbers suggest, in sentences a user can act on. */
export function explain(
  r: Reconciliation,
  context: { fsType: string; partial: boolean; unreadable: number },
): string[] {
  const lines: string[] = [];
  const share = (x: number) => (r.usedBytes > 0 ? x / r.usedBytes : 0);
  if (r.reservedBytes > 0 && r.reservedBytes >= 0.01 * r.sizeBytes) {
    lines.push(
      'reserved blocks: free space only root may use, so Avail + Used < Size (tune2fs -m changes it on ext4)',
    );
  }
  if (r.deletedOpenBytes > 0 && share(r.deletedOpenBytes) >= 0.01) {
    lines.push(
      'deleted files still open hold space du cannot see: `hog disk deleted` lists them and their processes',
    );
  }
  if (
    r.unexplainedBytes !== undefined &&
    share(r.unexplainedBytes) >= 0.05 &&
    r.unexplainedBytes > 64 * 1024 * 1024
  ) {
    const causes = [
      'filesystem metadata and journal',
      'files hidden under a mount point (mounted over a non-empty directory)',
    ];
    if (context.unreadable > 0)
      causes.unshift(`${context.unreadable} directories hog could not read (run as root)`);
    if (context.partial)
      causes.unshift('only part of this filesystem is mounted here (a bind mount of a subdirectory)');
    lines.push(`unexplained space: ${causes.join('; or ')}`);
  }
  if (r.unexplainedBytes !== undefined && r.unexplainedBytes < 0 && share(-r.unexplainedBytes) >= 0.05) {
    lines.push(
      `files take more than the filesystem stores (${context.fsType}: compression, deduplication or shared extents)`,
    );
  }
  return lines;
}
