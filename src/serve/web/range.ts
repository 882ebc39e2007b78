/**
 * The time window the charts show. The API's default is the last 24 hours (docs/api.md); another
 * window is asked for with `from` only, taken from the server's own clock (the `t` of its latest
 * sample event) so a browser whose clock is off does not cut the newest points: `to` stays the
 * server's "now".
 */

export interface Range {
  label: string;
  ms: number;
}

export const RANGES: readonly Range[] = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 hour', ms: 3_600_000 },
  { label: '6 hours', ms: 6 * 3_600_000 },
  { label: '24 hours', ms: 24 * 3_600_000 },
  { label: '7 days', ms: 7 * 24 * 3_600_000 },
  { label: '30 days', ms: 30 * 24 * 3_600_000 },
];

/** The server's window when no `from` is sent. */
export const DEFAULT_RANGE_MS = 24 * 3_600_000;

/** The query parameters for a window ("" for the server's default), to append after `?` or `&`. */
export function windowQuery(rangeMs: number, serverNow: number | null): string {
  if (rangeMs === DEFAULT_RANGE_MS || serverNow === null) return '';
  return `from=${Math.max(0, Math.floor(serverNow - rangeMs))}`;
}

/** `path` with the window's parameters added ("/api/v1/disks?from=..." or unchanged). */
export function withWindow(path: string, query: string): string {
  if (query === '') return path;
  return `${path}${path.includes('?') ? '&' : '?'}${query}`;
}

/** A stored range (sessionStorage text) if it is one of RANGES, else the default. */
export function parseRange(text: string | null): number {
  const ms = Number(text);
  return RANGES.some((r) => r.ms === ms) ? ms : DEFAULT_RANGE_MS;
}
