/**
 * Query parameters of the API, checked: whole numbers in range or a 400 that names the parameter and
 * the bad value. Unknown parameters are ignored (a cache-busting `_=` from a browser is not an error).
 */
import { HttpError } from './httpError.js';

/** PIDs go up to 2^22 on Linux (pid_max's ceiling). */
export const MAX_PID = 4194304;
/** A window defaults to the last 24 hours. */
export const DEFAULT_WINDOW_MS = 24 * 3600_000;

function quoteParam(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
}

export function wholeNumber(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new HttpError(400, `${name} must be a whole number from ${min} to ${max}, got ${quoteParam(text)}`);
  }
  return n;
}

export function parsePidParam(text: string): number {
  return wholeNumber('pid', text, 1, MAX_PID);
}

/** from/to in ms since the epoch; defaults: to = now, from = to - 24 h. */
export function timeWindow(query: URLSearchParams, now: number): { from: number; to: number } {
  const get = (name: string) => {
    const value = query.get(name);
    return value === null || value === '' ? undefined : wholeNumber(name, value, 0, 8.64e15);
  };
  const to = get('to') ?? now;
  const from = get('from') ?? to - DEFAULT_WINDOW_MS;
  if (from > to) throw new HttpError(400, `from (${from}) is after to (${to})`);
  return { from, to };
}

export function oneOf<T extends string>(name: string, text: string | null, values: readonly T[]): T {
  if (text !== null && (values as readonly string[]).includes(text)) return text as T;
  throw new HttpError(
    400,
    `${name} must be one of ${values.join(', ')}, got ${text === null ? 'nothing' : quoteParam(text)}`,
  );
}
