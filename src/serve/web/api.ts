/// <reference lib="dom" />
/**
 * The dashboard's only data source, the JSON API (docs/api.md). The token, when the server needs one,
 * goes in the Authorization header (not a cookie: a page of another site cannot make the browser send
 * it, so the API stays CSRF-safe); it lives in sessionStorage, gone when the tab closes.
 */

import { noteServerTime } from './timeWindow.js';

const TOKEN_KEY = 'hog.serve.token';

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** The server answered 401: no token, or a wrong one. */
export class Unauthorized extends Error {}

/** Any other answer than 200, with the server's `{ "error": ... }` message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const token = storedToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, { headers, signal: signal ?? null, cache: 'no-store' });
  // the server's clock, for the chart window's `from` (timeWindow.ts)
  const date = Date.parse(response.headers.get('date') ?? '');
  if (!Number.isNaN(date)) noteServerTime(date);
  if (response.status === 401) throw new Unauthorized('this hog serve needs its token');
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { error?: unknown };
      if (typeof body.error === 'string') message = body.error;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, message);
  }
  return (await response.json()) as T;
}
