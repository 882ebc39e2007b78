/**
 * A hostile peer against hog serve's HTTP side: every data route behind the token, CSRF-safe header
 * auth, DNS rebinding on loopback, path traversal in every spelling, oversized and slow requests,
 * bodies, bad parameters. Each answer is the JSON error, never a stack trace.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerToken, isLoopbackHost, tokenMatches } from '../../src/serve/http/auth.js';
import { EventStreams } from '../../src/serve/http/events.js';
import { type Answer, get, type Harness, json, startHarness } from './harness.js';
import { tick } from './ticks.js';

const TOKEN = 'a'.repeat(20) + 'B'.repeat(23);
const ROUTES = [
  '/api/v1/host',
  '/api/v1/host/series?metric=available',
  '/api/v1/processes',
  '/api/v1/processes/100/series',
  '/api/v1/disks',
  '/api/v1/net',
  '/api/v1/findings',
  '/api/v1/events',
  '/api/v1/nonexistent',
  '/metrics',
];

function expectJsonError(answer: Pick<Answer, 'status' | 'body'>, status: number, pattern?: RegExp) {
  expect(answer.status).toBe(status);
  const body = json(answer) as { error: string };
  expect(Object.keys(body)).toEqual(['error']);
  if (pattern) expect(body.error).toMatch(pattern);
  expect(answer.body).not.toMatch(/\n\s+at |\.ts:\d+|node:internal/);
}

describe('token auth (a non-loopback bind)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ token: TOKEN });
    h.writer.writeTick(tick(h.clock.now()));
    mkdirSync(join(h.dir, 'web'));
    writeFileSync(join(h.dir, 'web', 'index.html'), '<p>dash');
  });
  afterAll(() => h.close());

  it('answers 401 on every data route without the token, with a wrong one of the same length, or in a cookie', async () => {
    const wrong = `${TOKEN.slice(0, -1)}C`;
    expect(wrong.length).toBe(TOKEN.length);
    for (const route of ROUTES) {
      const variants: Record<string, string>[] = [
        {},
        { authorization: `Bearer ${wrong}` },
        { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` },
        { cookie: `token=${TOKEN}` },
      ];
      for (const headers of variants) {
        const answer = await get(h.server.port, route, headers);
        expectJsonError(answer, 401, /token is required/);
        expect(answer.headers['www-authenticate']).toBe('Bearer realm="hog"');
      }
    }
  });

  it('answers with the token in the Authorization header', async () => {
    const answer = await get(h.server.port, '/api/v1/host', { authorization: `Bearer ${TOKEN}` });
    expect(answer.status).toBe(200);
    expect((json(answer) as { memory: { totalBytes: number } }).memory.totalBytes).toBe(8000);
    const metrics = await get(h.server.port, '/metrics', { authorization: `Bearer ${TOKEN}` });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('hog_memory_total_bytes 8000');
  });

  it('takes ?token= on the event stream only', async () => {
    expectJsonError(await get(h.server.port, `/api/v1/host?token=${TOKEN}`), 401);
    const stream = await new Promise<string>((resolve, reject) => {
      const socket = connect(h.server.port, '127.0.0.1', () =>
        socket.write(`GET /api/v1/events?token=${TOKEN} HTTP/1.1\r\nHost: x\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
        if (text.includes('retry: 5000')) {
          h.events.sample(1234);
        }
        if (text.includes('data: {"t":1234}')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
    expect(stream).toMatch(/^HTTP\/1\.1 200/);
    expect(stream).toContain('content-type: text/event-stream');
    expect(stream).toContain('event: sample\ndata: {"t":1234}\n\n');
  });

  it('serves the static page without the token (it holds no data)', async () => {
    const answer = await get(h.server.port, '/');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('<p>dash');
    expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('compares tokens in constant time over digests and reads only Bearer headers', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
    expect(bearerToken(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(bearerToken(`bearer ${TOKEN}`)).toBeUndefined();
    expect(bearerToken(`Bearer ${TOKEN} extra`)).toBeUndefined();
  });
});

describe('/metrics opened with --open-metrics', () => {
  it('answers /metrics without the token and still guards the API', async () => {
    const h = await startHarness({ token: TOKEN, openMetrics: true });
    try {
      h.writer.writeTick(tick(h.clock.now()));
      const metrics = await get(h.server.port, '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('hog_swap_free_bytes 600');
      expectJsonError(await get(h.server.port, '/api/v1/processes'), 401);
    } finally {
      await h.close();
    }
  });
});

describe('the loopback default (no token)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.writer.writeTick(tick(h.clock.now()));
  });
  afterAll(() => h.close());

  it('refuses a Host header that is not loopback (DNS rebinding)', async () => {
    expectJsonError(await get(h.server.port, '/api/v1/host', { host: 'evil.example:7070' }), 400, /loopback/);
    expectJsonError(await get(h.server.port, '/api/v1/host', { host: '127.0.0.1.evil.example' }), 400);
    for (const host of ['127.0.0.1:7070', 'localhost:7070', '[::1]:7070', 'localhost']) {
      expect((await get(h.server.port, '/api/v1/host', { host })).status).toBe(200);
    }
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('::')).toBe(false);
    expect(isLoopbackHost('127.0.0.2')).toBe(true);
  });

  it('answers 400 with a JSON error for bad parameters', async () => {
    const cases: [string, RegExp][] = [
      ['/api/v1/processes/abc/series', /pid must be a whole number from 1 to 4194304, got "abc"/],
      ['/api/v1/processes/0/series', /pid must be/],
      ['/api/v1/processes/99999999999/series', /pid must be/],
      ['/api/v1/processes/-1/series', /pid must be/],
      ['/api/v1/host/series', /metric must be one of available, swap_used, pressure_some, got nothing/],
      ['/api/v1/host/series?metric=../../etc', /metric must be one of/],
      ['/api/v1/disks?from=1e9', /from must be a whole number/],
      ['/api/v1/net?from=-5', /from must be/],
      ['/api/v1/net?to=NaN', /to must be/],
      ['/api/v1/disks?from=20&to=10', /from \(20\) is after to \(10\)/],
      [
        `/api/v1/host?${Array.from({ length: 17 }, (_, i) => `p${i}=1`).join('&')}`,
        /more than 16 query parameters/,
      ],
    ];
    for (const [path, pattern] of cases) expectJsonError(await get(h.server.port, path), 400, pattern);
    expectJsonError(
      await get(h.server.port, '/api/v1/processes/4242/series'),
      404,
      /PID 4242 was never recorded/,
    );
  });

  it('refuses other methods and any request body', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const answer = await get(h.server.port, '/api/v1/host', {}, method);
      expectJsonError(answer, 405, /read-only/);
      expect(answer.headers.allow).toBe('GET, HEAD');
    }
    expectJsonError(await get(h.server.port, '/api/v1/host', { 'content-length': '5' }), 413);
  });

  it('refuses a huge URL (414) and huge headers (431)', async () => {
    expectJsonError(await get(h.server.port, `/api/v1/host?x=${'a'.repeat(3000)}`), 414);
    const answer = await get(h.server.port, '/api/v1/host', { 'x-pad': 'a'.repeat(9000) });
    expectJsonError(answer, 431, /too large/);
  });

  it('answers HEAD without a body', async () => {
    const answer = await get(h.server.port, '/api/v1/host', {}, 'HEAD');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
  });
});

describe('static files: path traversal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    const web = join(h.dir, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<p>index');
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(h.dir, 'secret.txt'), 'SECRET');
    symlinkSync(join(h.dir, 'secret.txt'), join(web, 'assets', 'link.txt'));
    symlinkSync(h.dir, join(web, 'assets', 'up'));
    execFileSync('mkfifo', [join(web, 'assets', 'fifo.js')]);
  });
  afterAll(() => h.close());

  it('serves the files of the web directory with their types', async () => {
    const js = await get(h.server.port, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.body).toBe('console.log(1)');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
  });

  it('never serves a file outside it, in any spelling', async () => {
    const attempts = [
      '/assets/../secret.txt',
      '/assets/..%2fsecret.txt',
      '/assets/..%2F..%2Fhog.db',
      '/assets/%2e%2e/secret.txt',
      '/assets/%2e%2e%2fsecret.txt',
      '/assets/..%5csecret.txt',
      '/assets/.%2e/secret.txt',
      '/assets/app.js%00.html',
      '/assets//etc/passwd',
      '/assets/%2fetc%2fpasswd',
      '/assets/link.txt',
      '/assets/up/secret.txt',
      '/assets/up/hog.db',
      '/../../etc/passwd',
      '/secret.txt',
      '/etc/passwd',
    ];
    for (const path of attempts) {
      const answer = await get(h.server.port, path);
      expect([400, 404], path).toContain(answer.status);
      expect(answer.body, path).not.toContain('SECRET');
      expect(answer.body, path).not.toContain('root:');
      expect(answer.body, path).not.toContain('SQLite');
    }
  });

  it('does not hang on a FIFO planted in the directory', async () => {
    expectJsonError(await get(h.server.port, '/assets/fifo.js'), 404);
  });

  it('bad percent-encoding is a 400', async () => {
    expectJsonError(await get(h.server.port, '/assets/%E0%A4%A'), 400, /percent-encoding/);
  });
});

describe('event streams', () => {
  it('are bounded in number: one more is a 503', async () => {
    const h = await startHarness({ events: new EventStreams(2) });
    try {
      const open = () =>
        new Promise<import('node:net').Socket>((resolve) => {
          const socket = connect(h.server.port, '127.0.0.1', () =>
            socket.write('GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
          );
          socket.once('data', () => resolve(socket));
        });
      const held = [await open(), await open()];
      expectJsonError(await get(h.server.port, '/api/v1/events'), 503, /too many event streams open \(2\)/);
      for (const s of held) s.destroy();
    } finally {
      await h.close();
    }
  });
});

describe('slow clients', () => {
  it('keeps an event stream open past the request timeout (it bounds receiving the request only)', async () => {
    const h = await startHarness({ headersTimeoutMs: 300, requestTimeoutMs: 300 });
    try {
      const socket = connect(h.server.port, '127.0.0.1', () =>
        socket.write('GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (d) => {
        text += d;
      });
      // well past the 300 ms timeout (and the server's 75 ms check interval), then a sample
      await new Promise((r) => setTimeout(r, 1500));
      h.events.sample(42);
      const got = await new Promise<boolean>((resolve) => {
        const deadline = setTimeout(() => resolve(false), 5000);
        const poll = setInterval(() => {
          if (text.includes('data: {"t":42}')) {
            clearTimeout(deadline);
            clearInterval(poll);
            resolve(true);
          }
        }, 20);
      });
      socket.destroy();
      expect(got).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('closes a connection that never sends a byte once the header timeout passes', async () => {
    const h = await startHarness({ headersTimeoutMs: 400, requestTimeoutMs: 400 });
    try {
      const socket = connect(h.server.port, '127.0.0.1');
      socket.on('error', () => {});
      const closed = await new Promise<boolean>((resolve) => {
        socket.on('close', () => resolve(true));
        setTimeout(() => resolve(false), 8000);
      });
      socket.destroy();
      expect(closed).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('closes a connection whose headers trickle in (slowloris) once the header timeout passes', async () => {
    const h = await startHarness({ headersTimeoutMs: 400, requestTimeoutMs: 400 });
    try {
      const socket = connect(h.server.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
      socket.write('GET /api/v1/host HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      let sent = 0;
      const drip = setInterval(() => {
        if (!socket.destroyed) socket.write(`X-${sent++}: a\r\n`);
      }, 50);
      const closed = await new Promise<boolean>((resolve) => {
        socket.on('close', () => resolve(true));
        socket.on('error', () => {});
        // a bounded deadline, far beyond the 400 ms timeout: the test fails rather than hangs
        setTimeout(() => resolve(false), 8000);
      });
      clearInterval(drip);
      socket.destroy();
      expect(closed).toBe(true);
      // the server still answers others
      expect((await get(h.server.port, '/api/v1/processes')).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
