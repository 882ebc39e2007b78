/**
 * Machine-wide memory totals for the `hog top` header, from /proc/meminfo.
 * Compute memory partition like procps-ng 4 free(1):
 *   used       = MemTotal - MemAvailable   (what is not available to new work)
 *   buff/cache = Buffers + Cached + SReclaimable
 *   swap used  = SwapTotal - SwapFree
 */
import type { Meminfo } from '../proc/meminfo.js';

export interface SystemMemory {
  totalBytes: number;
  usedBytes: number;
  freeBytes: number;
  availableBytes: number;
  buffCacheBytes: number;
  swapTotalBytes: number;
  swapUsedBytes: number;
}

export function systemMemory(m: Meminfo): SystemMemory {
  const available = m.memAvailableBytes ?? m.memFreeBytes + m.buffersBytes + m.cachedBytes;
  return {
    totalBytes: m.memTotalBytes,
    usedBytes: Math.max(0, m.memTotalBytes - available),
    freeBytes: m.memFreeBytes,
    availableBytes: available,
    buffCacheBytes: m.buffersBytes + m.cachedBytes + m.sReclaimableBytes,
    swapTotalBytes: m.swapTotalBytes,
    swapUsedBytes: Math.max(0, m.swapTotalBytes - m.swapFreeBytes),
  };
}
