/// <reference lib="dom" />
/**
 * The window the user picked (kept in sessionStorage) and the server's clock as last seen (the `t` of
 * a sample event, or an answer's Date header): what range.ts turns into `from=`.
 */
import { parseRange, windowQuery, withWindow } from './range.js';

const KEY = 'hog.serve.range';

let rangeMs = parseRange(readStored());
let serverNow: number | null = null;

function readStored(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function currentRange(): number {
  return rangeMs;
}

export function setRange(ms: number): void {
  rangeMs = parseRange(String(ms));
  sessionStorage.setItem(KEY, String(rangeMs));
}

/** A time the server reported; the newest one wins. */
export function noteServerTime(t: number): void {
  if (Number.isFinite(t) && (serverNow === null || t > serverNow)) serverNow = t;
}

/** A series route with the picked window's `from`. */
export function windowed(path: string): string {
  return withWindow(path, windowQuery(rangeMs, serverNow));
}
