/**
 * The pure checks between a bench server and its peers: the hello field by field, the bounded line
 * reader, the token comparison, and where a server listens and whether it needs a token.
 */
import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, serverAccess } from '../../../src/net/bench/access.js';
import { checkHello, HelloRefused } from '../../../src/net/bench/hello.js';
import { LineTooLong, lineReader } from '../../../src/net/bench/protocol.js';
import { checkResult } from '../../../src/net/bench/result.js';
import { checkToken, generateToken, tokensMatch } from '../../../src/net/bench/token.js';

const good = {
  hello: 1,
  streams: 4,
  reverse: true,
  seconds: 10,
  intervalSeconds: 0.5,
  cookie: 'ffffffffffffffffffffffffffffffff',
};

function refusal(value: unknown): [string, string] {
  try {
    checkHello(value);
  } catch (error) {
    if (error instanceof HelloRefused) return [error.code, error.message];
    throw error;
  }
  throw new Error('accepted');
}

describe('checkHello', () => {
  it('takes a well-formed hello, token included, and nothing else', () => {
    expect(checkHello(good)).toEqual(good);
    expect(checkHello({ ...good, token: 't' })).toEqual({ ...good, token: 't' });
  });

  it.each([
    [{ seconds: 1e9 }, 'seconds must be a whole number from 1 to 3600, got 1000000000 (number)'],
    [{ seconds: 0 }, 'seconds must be a whole number from 1 to 3600, got 0 (number)'],
    [{ seconds: 'NaN' }, 'seconds must be a whole number from 1 to 3600, got "NaN" (string)'],
    [{ seconds: null }, 'seconds must be a whole number from 1 to 3600, got null (null)'],
    [{ streams: 'x' }, 'streams must be a whole number from 1 to 64, got "x" (string)'],
    [{ streams: 65 }, 'streams must be a whole number from 1 to 64, got 65 (number)'],
    [{ streams: [1] }, 'streams must be a whole number from 1 to 64, got [1] (array)'],
    [{ streams: 2.5 }, 'streams must be a whole number from 1 to 64, got 2.5 (number)'],
    [{ reverse: 1 }, 'reverse must be true or false, got 1 (number)'],
    [{ intervalSeconds: -1 }, 'intervalSeconds must be a number above 0 up to 60, got -1 (number)'],
    [{ intervalSeconds: 61 }, 'intervalSeconds must be a number above 0 up to 60, got 61 (number)'],
    [{ seconds: 3600, intervalSeconds: 0.1 }, '3600 s in intervals of 0.1 s is more than 10000 intervals'],
    [{ cookie: 'F'.repeat(32) }, `cookie must be 32 lowercase hex digits, got "${'F'.repeat(32)}" (string)`],
    [
      { cookie: 'a'.repeat(100) },
      `cookie must be 32 lowercase hex digits, got "${'a'.repeat(39)}... (string)`,
    ],
    [{ token: 5 }, 'token must be a string of at most 256 characters'],
    [{ token: 'x'.repeat(257) }, 'token must be a string of at most 256 characters'],
    [{ __proto__x: 1 }, 'unknown field "__proto__x" (string) in the hello'],
  ])('refuses %j', (fields, message) => {
    expect(refusal({ ...good, ...fields })).toEqual(['invalid', message]);
  });

  it('asks for the version first, and an object at all', () => {
    expect(refusal({ hello: 2, streams: 'x' })).toEqual([
      'version',
      'protocol version 2 (number) not supported (server speaks 1)',
    ]);
    expect(refusal([good])).toEqual([
      'invalid',
      expect.stringMatching(/^a hello must be a JSON object, got .*\(array\)$/),
    ]);
    expect(refusal(null)).toEqual(['invalid', 'a hello must be a JSON object, got null (null)']);
  });
});

describe('lineReader', () => {
  it('splits lines across chunks, and keeps a copy of a partial line', () => {
    const seen: unknown[] = [];
    const read = lineReader((m) => seen.push(m), 64);
    const shared = Buffer.from('{"a":1}\n{"b"');
    read(shared);
    shared.fill(0x20); // a shared read buffer is overwritten by the next read
    read(Buffer.from(':2}\n\n{"c":3}\n'));
    expect(seen).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  it('throws as soon as an unfinished line passes the limit, whether in one chunk or many', () => {
    const read = lineReader(() => {}, 10);
    read(Buffer.from('{"a":'));
    expect(() => read(Buffer.from('"123456"'))).toThrow(LineTooLong);
    expect(() => lineReader(() => {}, 10)(Buffer.alloc(11, 0x78))).toThrow(LineTooLong);
    // a complete line over the limit too
    expect(() => lineReader(() => {}, 10)(Buffer.from('{"a":"123456789"}\n'))).toThrow(LineTooLong);
    // exactly the limit is fine
    const seen: unknown[] = [];
    lineReader((m) => seen.push(m), 10)(Buffer.from('"12345678"\n'));
    expect(seen).toEqual(['12345678']);
  });

  it('throws SyntaxError on a line that is not JSON', () => {
    expect(() => lineReader(() => {}, 100)(Buffer.from('{nope\n'))).toThrow(SyntaxError);
  });
});

describe('tokens', () => {
  it('generates 32 URL-safe characters, different each time', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generateToken()).not.toBe(a);
  });

  it('matches only the same token, whatever the lengths', () => {
    const t = 'abcdefghijklmnopqrstuvwxyz';
    expect(tokensMatch(t, t)).toBe(true);
    expect(tokensMatch(t, `${t}x`)).toBe(false);
    expect(tokensMatch(t, t.slice(0, -1))).toBe(false);
    expect(tokensMatch(t, '')).toBe(false);
    expect(tokensMatch(t, undefined)).toBe(false);
  });

  it('refuses short or odd tokens the user chose', () => {
    expect(() => checkToken('short', '--token')).toThrow('--token is not a usable token: "short"');
    expect(() => checkToken('sixteen chars ok', '--token')).toThrow(/not a usable token/);
    expect(checkToken('sixteen-chars-ok', 'HOG_BENCH_TOKEN')).toBe('sixteen-chars-ok');
  });
});

describe('serverAccess', () => {
  it('listens on 127.0.0.1 without a token by default; with --token it asks for it there too', () => {
    expect(serverAccess(undefined, undefined, '--token')).toEqual({
      host: '127.0.0.1',
      loopback: true,
      token: undefined,
      generated: false,
    });
    expect(serverAccess(undefined, 'a-token-of-16-ch', '--token').token).toBe('a-token-of-16-ch');
    expect(serverAccess('[::1]', undefined, '--token')).toMatchObject({
      host: '::1',
      loopback: true,
      token: undefined,
    });
  });

  it('beyond loopback always has a token: the given one, or a generated one', () => {
    const generated = serverAccess('0.0.0.0', undefined, '--token');
    expect(generated).toMatchObject({ host: '0.0.0.0', loopback: false, generated: true });
    expect(generated.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(serverAccess('::', 'a-token-of-16-ch', '--token')).toEqual({
      host: '::',
      loopback: false,
      token: 'a-token-of-16-ch',
      generated: false,
    });
  });

  it('takes only IP addresses', () => {
    expect(() => serverAccess('localhost', undefined, '--token')).toThrow(
      '--bind takes an IP address of this host, got "localhost"',
    );
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['10.0.0.1', '0.0.0.0', '::', '128.0.0.1', '::ffff:10.0.0.1'].map(isLoopbackAddress)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('checkResult', () => {
  const result = {
    role: 'receiver',
    seconds: 1,
    bytes: 10,
    intervals: [{ start: 0, end: 1, bytes: 10 }],
    streams: [{ bytes: 10 }],
  };
  it('takes a result and drops nothing of it', () => {
    expect(checkResult(result)).toEqual(result);
  });
  it.each([
    [{ role: 'x' }, 'no role'],
    [{ bytes: -1 }, 'no seconds or bytes'],
    [{ seconds: '1' }, 'no seconds or bytes'],
    [{ intervals: {} }, 'no intervals or streams'],
    [
      { intervals: [{ start: 0, end: 1, bytes: Number.POSITIVE_INFINITY }] },
      'an interval without start, end and bytes',
    ],
    [{ streams: [null] }, 'a stream without bytes'],
  ])('refuses %j', (fields, what) => {
    expect(() => checkResult({ ...result, ...fields })).toThrow(
      `a result that is not hog net bench's: ${what}`,
    );
  });
});
