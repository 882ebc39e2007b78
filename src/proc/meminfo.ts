/**
 * /proc/meminfo — system memory counters (proc_meminfo(5)), "Key:  N kB". All sizes returned in bytes.
 */
import { kbToBytes, parseKeyValueLines } from './keyValue.js';
import { lineCount, malformed } from './malformed.js';
import { readProcText } from './procFile.js';

export interface Meminfo {
  memTotalBytes: number;
  memFreeBytes: number;
  /** Kernel's estimate of memory available for new work without swapping (>= 3.14). */
  memAvailableBytes: number | undefined;
  buffersBytes: number;
  cachedBytes: number;
  sReclaimableBytes: number;
  shmemBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
  swapCachedBytes: number;
  /** Every field, as printed (kB fields in bytes), for checks that need more. */
  fields: ReadonlyMap<string, number>;
}

export function parseMeminfo(text: string, file = '/proc/meminfo'): Meminfo {
  const fields = new Map<string, number>();
  for (const [key, value] of parseKeyValueLines(text)) {
    const bytes = kbToBytes(value);
    if (bytes !== undefined) fields.set(key, bytes);
  }
  const need = (key: string): number => {
    const value = fields.get(key);
    if (value === undefined) throw malformed(file, `malformed meminfo: no ${key} line`, lineCount(text));
    return value;
  };
  return {
    memTotalBytes: need('MemTotal'),
    memFreeBytes: need('MemFree'),
    memAvailableBytes: fields.get('MemAvailable'),
    buffersBytes: fields.get('Buffers') ?? 0,
    cachedBytes: fields.get('Cached') ?? 0,
    sReclaimableBytes: fields.get('SReclaimable') ?? 0,
    shmemBytes: fields.get('Shmem') ?? 0,
    swapTotalBytes: fields.get('SwapTotal') ?? 0,
    swapFreeBytes: fields.get('SwapFree') ?? 0,
    swapCachedBytes: fields.get('SwapCached') ?? 0,
    fields,
  };
}

export function readMeminfo(procRoot = '/proc'): Meminfo {
  const file = `${procRoot}/meminfo`;
  return parseMeminfo(readProcText(file), file);
}
