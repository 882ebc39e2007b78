/**
 * Who may read `hog serve`: anyone on loopback by default; with any other --host, whoever shows the
 * token, in `Authorization: Bearer TOKEN` (a header a page of another origin cannot make a browser
 * send, unlike a cookie: CSRF-safe), or as `?token=` on the event stream only (EventSource cannot set
 * headers). Comparison is constant-time over SHA-256 digests, so neither the token's bytes nor its
 * length leak through timing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** 32 random bytes, base64url: 43 characters, safe in a header and a URL fragment. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/** The bearer token of an Authorization header, if it is one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([\x21-\x7e]+)$/.exec(header ?? '');
  return match?.[1];
}

/** Loopback addresses and names: binding there needs no token. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}
