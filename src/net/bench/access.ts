/**
 * Who may reach a bench server: loopback only by default; --bind ADDR opens it to whoever can route
 * to ADDR, and then a token is required (the user's, or one generated here and printed).
 */
import { isIP } from 'node:net';
import { quote, UsageError } from '../../errors.js';
import { unmapAddress } from '../address.js';
import { checkToken, generateToken } from './token.js';

export const DEFAULT_BIND = '127.0.0.1';

export interface ServerAccess {
  /** The address to listen on. */
  host: string;
  loopback: boolean;
  /** The token a hello must carry; undefined: none (loopback without --token). */
  token: string | undefined;
  /** True when the token was generated here (so the user must be shown it). */
  generated: boolean;
}

/** 127.0.0.0/8 and ::1 (and their IPv4-mapped form): reachable from this host only. */
export function isLoopbackAddress(address: string): boolean {
  const bare = unmapAddress(address);
  return bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

/**
 * The listening address and token from --bind and --token (or HOG_BENCH_TOKEN: `tokenFrom` names
 * where it came from, for the error).
 */
export function serverAccess(
  bind: string | undefined,
  token: string | undefined,
  tokenFrom: string,
): ServerAccess {
  const host = (bind ?? DEFAULT_BIND).replace(/^\[(.*)\]$/, '$1');
  if (!isIP(host)) {
    throw new UsageError(`--bind takes an IP address of this host, got ${quote(bind)}`, {
      hint: 'for example --bind 192.0.2.10, --bind :: or --bind 0.0.0.0 (every interface); without --bind, 127.0.0.1',
    });
  }
  const loopback = isLoopbackAddress(host);
  const given = token === undefined ? undefined : checkToken(token, tokenFrom);
  if (given !== undefined || loopback) return { host, loopback, token: given, generated: false };
  return { host, loopback, token: generateToken(), generated: true };
}
