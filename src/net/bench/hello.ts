/**
 * The server's check of a client's hello, field by field: a hello comes from whoever can reach the
 * port, so every field must be of its type and inside its range before the server acts on it.
 * Pure: the server turns a HelloRefused into {"error","code"} on the wire.
 */
import {
  type Hello,
  MAX_INTERVAL_SECONDS,
  MAX_INTERVALS,
  MAX_SECONDS,
  MAX_STREAMS,
  PROTOCOL_VERSION,
  type RefusalCode,
} from './protocol.js';
import { MAX_TOKEN_LENGTH } from './token.js';

export class HelloRefused extends Error {
  constructor(
    message: string,
    readonly code: RefusalCode,
  ) {
    super(message);
  }
}

const FIELDS = new Set(['hello', 'streams', 'reverse', 'seconds', 'intervalSeconds', 'cookie', 'token']);
const COOKIE = /^[0-9a-f]{32}$/;

/** A short, printable rendering of a bad value for the refusal (the value is the peer's, any size). */
function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  return `${shown} (${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value})`;
}

function integer(hello: Record<string, unknown>, key: string, min: number, max: number): number {
  const value = hello[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new HelloRefused(
      `${key} must be a whole number from ${min} to ${max}, got ${show(value)}`,
      'invalid',
    );
  }
  return value;
}

/** The hello a client sent, checked; throws HelloRefused saying which field is wrong and why. */
export function checkHello(message: unknown): Hello {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw new HelloRefused(`a hello must be a JSON object, got ${show(message)}`, 'invalid');
  }
  const hello = message as Record<string, unknown>;
  // the version first: a newer client gets "version", not a complaint about a field it added
  if (hello.hello !== PROTOCOL_VERSION) {
    throw new HelloRefused(
      `protocol version ${show(hello.hello)} not supported (server speaks ${PROTOCOL_VERSION})`,
      'version',
    );
  }
  for (const key of Object.keys(hello)) {
    if (!FIELDS.has(key)) throw new HelloRefused(`unknown field ${show(key)} in the hello`, 'invalid');
  }
  const streams = integer(hello, 'streams', 1, MAX_STREAMS);
  const seconds = integer(hello, 'seconds', 1, MAX_SECONDS);
  const { reverse, intervalSeconds, cookie, token } = hello;
  if (typeof reverse !== 'boolean') {
    throw new HelloRefused(`reverse must be true or false, got ${show(reverse)}`, 'invalid');
  }
  if (
    typeof intervalSeconds !== 'number' ||
    !Number.isFinite(intervalSeconds) ||
    intervalSeconds <= 0 ||
    intervalSeconds > MAX_INTERVAL_SECONDS
  ) {
    throw new HelloRefused(
      `intervalSeconds must be a number above 0 up to ${MAX_INTERVAL_SECONDS}, got ${show(intervalSeconds)}`,
      'invalid',
    );
  }
  if (seconds / intervalSeconds > MAX_INTERVALS) {
    throw new HelloRefused(
      `${seconds} s in intervals of ${intervalSeconds} s is more than ${MAX_INTERVALS} intervals`,
      'invalid',
    );
  }
  if (typeof cookie !== 'string' || !COOKIE.test(cookie)) {
    throw new HelloRefused(`cookie must be 32 lowercase hex digits, got ${show(cookie)}`, 'invalid');
  }
  const checked: Hello = { hello: PROTOCOL_VERSION, streams, reverse, seconds, intervalSeconds, cookie };
  if (token !== undefined) {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
      throw new HelloRefused(`token must be a string of at most ${MAX_TOKEN_LENGTH} characters`, 'invalid');
    }
    checked.token = token;
  }
  return checked;
}
