/**
 * The shared secret of a bench server reachable beyond loopback: generated from the kernel's CSPRNG
 * when the user gives none, and compared in constant time (a byte-by-byte compare that stops at the
 * first difference would tell a remote peer, by its timing, how much of a guess was right).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { quote, UsageError } from '../../errors.js';

export const MIN_TOKEN_LENGTH = 16;
export const MAX_TOKEN_LENGTH = 256;
const TOKEN_TEXT = /^[A-Za-z0-9._~+/=-]+$/;

/** 24 random bytes (192 bits) as 32 URL-safe characters: easy to copy, impossible to guess. */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** A token the user chose (--token or HOG_BENCH_TOKEN), checked so that it is worth something. */
export function checkToken(text: string, from: string): string {
  if (text.length < MIN_TOKEN_LENGTH || text.length > MAX_TOKEN_LENGTH || !TOKEN_TEXT.test(text)) {
    throw new UsageError(
      `${from} is not a usable token: ${quote(text.length > 40 ? `${text.slice(0, 40)}...` : text)}`,
      {
        hint: `use ${MIN_TOKEN_LENGTH} to ${MAX_TOKEN_LENGTH} characters of A-Z a-z 0-9 . _ ~ + / = -, or leave it out and let the server generate one`,
      },
    );
  }
  return text;
}

/**
 * True when `given` is the token. Both sides are hashed first, so the comparison runs over 32 bytes
 * whatever the lengths, and timingSafeEqual's time does not depend on where they differ.
 */
export function tokensMatch(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}
