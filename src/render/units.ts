/**
 * The one place where numbers become text (and back). Memory and disk sizes are IEC (1 KiB = 1024 B)
 * with one decimal; network rates are bits per second with SI prefixes, as iftop prints them.
 */
import { quote, UsageError } from '../errors.js';

const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** 1536 -> "1.5 KiB"; bytes below 1 KiB print without decimals ("512 B"). `decimals` defaults to 1. */
export function formatBytes(bytes: number, decimals = 1): string {
  if (!Number.isFinite(bytes)) return '-';
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < IEC.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${sign}${Math.round(value)} B`;
  // 1023.96 MiB would round to "1024.0 MiB": move up a unit instead.
  if (Number(value.toFixed(decimals)) >= 1024 && unit < IEC.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${sign}${value.toFixed(decimals)} ${IEC[unit]}`;
}

/** Compact form for narrow columns, as top prints RES: "812.3M", "1.2G", "64K", "900". */
export function formatBytesShort(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  const units = ['', 'K', 'M', 'G', 'T', 'P'];
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${sign}${Math.round(value)}`;
  const text = value >= 100 ? value.toFixed(0) : value.toFixed(1);
  return `${sign}${text}${units[unit]}`;
}

const SI_BITS = ['b/s', 'Kb/s', 'Mb/s', 'Gb/s', 'Tb/s'] as const;
const SI_BYTES = ['B/s', 'KB/s', 'MB/s', 'GB/s', 'TB/s'] as const;

/** A rate in bytes per second, printed in bits per second like iftop ("12.4 Mb/s"), or bytes with `bytes`. */
export function formatRate(bytesPerSecond: number, options: { bytes?: boolean } = {}): string {
  if (!Number.isFinite(bytesPerSecond)) return '-';
  const units = options.bytes ? SI_BYTES : SI_BITS;
  let value = options.bytes ? bytesPerSecond : bytesPerSecond * 8;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** 3725 -> "1h 2m", 59 -> "59s", 90061 -> "1d 1h". Negative and non-finite durations print as "-". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  if (minutes > 0) return s % 60 > 0 ? `${minutes}m ${s % 60}s` : `${minutes}m`;
  return `${s}s`;
}

/** 12.345 -> "12.3%". */
export function formatPercent(percent: number, decimals = 1): string {
  return Number.isFinite(percent) ? `${percent.toFixed(decimals)}%` : '-';
}

const SIZE_FACTORS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

/**
 * Parse a size the user typed: "512", "10M", "1.5GiB", "200 MB". Single letters and IEC suffixes are
 * powers of 1024 (as du, ncdu and memory_profiler read them); "KB", "MB", "GB" are powers of 1000.
 */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const factor = match ? SIZE_FACTORS[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new UsageError(`not a size: ${quote(text)}`, {
      hint: 'write a number with an optional unit, e.g. 512, 64K, 10MiB, 1.5G (K/M/G are powers of 1024)',
    });
  }
  return Math.round(Number(match[1]) * factor);
}

/** Parse a duration the user typed: "30" (seconds), "500ms", "10s", "5m", "2h", "1d". Returns seconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) {
    throw new UsageError(`not a duration: ${quote(text)}`, {
      hint: 'write a number of seconds, or a number with ms, s, m, h or d, e.g. 0.5, 500ms, 10s, 5m',
    });
  }
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 }[match[2] ?? 's'] ?? 1;
  return Number(match[1]) * factor;
}

/** A growth rate of memory: +12.0 MiB/min, -512.0 KiB/min, 0 B/min. */
export function formatBytesPerMinute(bytesPerMinute: number): string {
  if (!Number.isFinite(bytesPerMinute)) return '-';
  const sign = bytesPerMinute > 0 ? '+' : '';
  return `${sign}${formatBytes(bytesPerMinute)}/min`;
}

/** Milliseconds with the precision a latency needs: "0.142 ms", "3.25 ms", "48.1 ms", "1203 ms". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const abs = Math.abs(ms);
  const decimals = abs < 1 ? 3 : abs < 10 ? 2 : abs < 100 ? 1 : 0;
  return `${ms.toFixed(decimals)} ms`;
}

/** 1234567 -> "1,234,567": counts of files and inodes, grouped by thousands. */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return '-';
  return Math.round(count)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * How long ago a time (ms since the epoch) was, from `now`, in one coarse unit as ncdu and ls users
 * read ages: "40s", "12m", "5h", "3d", "2.5y" (days up to 100, then years). A time of 0 (or none) is
 * unknown, "-": how a scan records a missing mtime (ncdu exports without -e have none), never 1970.
 */
export function formatAge(thenMs: number, nowMs: number): string {
  if (!(thenMs > 0)) return '-';
  const s = Math.max(0, (nowMs - thenMs) / 1000);
  if (!Number.isFinite(s)) return '-';
  if (s < 60) return `${Math.floor(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  if (s < 100 * 86400) return `${Math.floor(s / 86400)}d`;
  return `${(s / (365.25 * 86400)).toFixed(1)}y`;
}
