/**
 * Numbers and times as the dashboard prints them. Sizes and rates come from render/units.ts, hog's one
 * formatting module (IEC bytes with one decimal, network rates in bits per second like iftop), so the
 * browser says what the terminal says.
 */
import { formatBytes, formatBytesPerMinute, formatDuration, formatRate } from '../../render/units.js';

export { formatBytes, formatDuration, formatRate };

/** A memory or disk slope per second as the terminal prints it, per minute: "+1.2 MiB/min". */
export function formatSlope(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? '-' : formatBytesPerMinute(bytesPerSecond * 60);
}

/** A verdict's slope, "-" while there is no verdict yet (the API then says 0, which would read as flat). */
export function verdictSlope(verdict: { kind: string; slopeBytesPerSecond: number | null }): string {
  return verdict.kind === 'insufficient' ? '-' : formatSlope(verdict.slopeBytesPerSecond);
}

/** "42.0%" of a whole; "-" when the whole is 0 (an empty swap, a pseudo filesystem). */
export function formatShare(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '-';
}

/** How long ago `t` was, from `now` (both ms since the epoch): "12s ago", "3m 4s ago", "just now". */
export function formatAgo(t: number, now: number): string {
  const seconds = (now - t) / 1000;
  if (seconds < 1) return 'just now';
  return `${formatDuration(seconds)} ago`;
}

/** A moment ahead, from `now`: "in 3d 4h"; a moment already past prints "now". */
export function formatIn(t: number, now: number): string {
  const seconds = (t - now) / 1000;
  return seconds <= 0 ? 'now' : `in ${formatDuration(seconds)}`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** Local wall-clock time "14:05:09", and the date before it when `t` is not on `now`'s day. */
export function formatClock(t: number, now: number): string {
  const d = new Date(t);
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  const today = new Date(now);
  const sameDay =
    d.getFullYear() === today.getFullYear() &&
    d.getMonth() === today.getMonth() &&
    d.getDate() === today.getDate();
  return sameDay ? time : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${time}`;
}

/** Load averages beside the core count: "0.52 0.48 0.40 (4 CPUs)". */
export function formatLoad(load: readonly number[], cpuCount: number): string {
  return `${load.map((l) => l.toFixed(2)).join(' ')} (${cpuCount} CPU${cpuCount === 1 ? '' : 's'})`;
}

/**
 * A pressure average as the kernel prints it in /proc/pressure/memory, a percentage of wall time:
 * the API gives the ratio 0..1 (docs/api.md), 0.0325 -> "3.25%".
 */
export function formatPressure(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}
