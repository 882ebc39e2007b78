/**
 * hog net bench --server against hostile and careless peers, as a user runs it (bin/hog), on loopback
 * and between two network namespaces: where it listens, the token, a 200 MiB control line, an idle
 * hello, floods of idle connections, out-of-range hellos, and a client facing a server that never answers.
 */
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { HOG_BIN, runHog, startHog, stopStartedHogs } from '../helpers/hog.js';
import { createNetnsPair, netnsAvailable } from '../helpers/netns.js';
import { statusBytes, waitFor } from '../helpers/processes.js';

afterAll(stopStartedHogs);

// (the address is optional so that this file also runs against a hog from before --bind, to show what it did)
const LISTENING = /listening on (?:(\S+) )?port (\d+)/;

/** A bench server on a free port of loopback (or as `args` say); resolves once it listens. */
async function startServer(args: string[] = []) {
  const server = startHog(['net', 'bench', '--server', '--port', '0', ...args]);
  const [, address, port] = await waitFor(
    () => LISTENING.exec(server.stdout()) ?? undefined,
    'the server to listen',
  );
  return { ...server, address, port: Number(port), pid: server.child.pid as number };
}

function open(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Send one line on a fresh connection; resolves with the server's first line (or '' if it just closed). */
async function sendLine(port: number, line: string): Promise<string> {
  const socket = await open(port);
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) {
        socket.destroy();
        resolve(text.slice(0, text.indexOf('\n')));
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
    socket.write(`${line}\n`);
  });
}

const COOKIE = '0123456789abcdef0123456789abcdef';
const hello = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    hello: 1,
    streams: 1,
    reverse: false,
    seconds: 1,
    intervalSeconds: 1,
    cookie: COOKIE,
    ...fields,
  });

/** Listening TCP sockets on `port` from /proc/net/tcp and tcp6: local address as the kernel prints it. */
function listenersOn(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && f[1]?.endsWith(`:${hexPort}`))
      .map((f) => f[1] as string),
  );
}

describe('hog net bench --server on loopback', () => {
  it('listens on 127.0.0.1 only by default, and says so', async () => {
    const server = await startServer(['--one-off']);
    expect(server.address).toBe('127.0.0.1');
    expect(listenersOn(server.port)).toEqual([
      `0100007F:${server.port.toString(16).toUpperCase().padStart(4, '0')}`,
    ]);
    await waitFor(
      () =>
        server.stdout().includes('only this host can connect (loopback); --bind ADDR accepts other hosts'),
      'the note',
    );
    const client = await runHog(['net', 'bench', `127.0.0.1:${server.port}`, '-t', '1', '--json']);
    expect(client.code, client.stderr).toBe(0);
    expect(await server.done).toBe(0);
  });

  it('a 200 MiB control line without a newline: the peer is dropped and the RSS stays bounded', async () => {
    const server = await startServer();
    const rssAtStart = statusBytes(server.pid, 'VmRSS');
    let maxRss = rssAtStart;
    const socket = await open(server.port);
    const chunk = Buffer.alloc(1024 * 1024, 'x'.charCodeAt(0));
    let sent = 0;
    const closedEarly = await new Promise<boolean>((resolve) => {
      socket.once('close', () => resolve(true));
      socket.on('error', () => {});
      const pump = () => {
        while (sent < 200 * 1024 * 1024 && !socket.destroyed) {
          maxRss = Math.max(maxRss, statusBytes(server.pid, 'VmRSS'));
          const first = sent === 0;
          sent += chunk.length;
          if (!socket.write(first ? Buffer.concat([Buffer.from('{"hello":1,"x":"'), chunk]) : chunk)) {
            socket.once('drain', pump);
            return;
          }
        }
        if (sent >= 200 * 1024 * 1024) resolve(false);
      };
      pump();
    });
    expect(closedEarly).toBe(true);
    expect(sent).toBeLessThan(200 * 1024 * 1024);
    await waitFor(
      () => server.stdout().includes('dropped 127.0.0.1: control line over 4096 bytes'),
      'the drop',
    );
    maxRss = Math.max(maxRss, statusBytes(server.pid, 'VmRSS'));
    expect(maxRss - rssAtStart).toBeLessThan(64 * 1024 * 1024);
    // and it still serves
    const client = await runHog(['net', 'bench', `127.0.0.1:${server.port}`, '-t', '1', '--json']);
    expect(client.code, client.stderr).toBe(0);
    server.child.kill();
  });

  it('an idle hello does not lock out a real client, and is dropped after the handshake timeout', async () => {
    const server = await startServer(['--timeout', '10']);
    const idle = await open(server.port);
    const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
    const reply = await new Promise<string>((resolve) => {
      idle.once('data', (d: Buffer) => resolve(d.toString()));
      idle.write(`${hello({ streams: 4, seconds: 3600 })}\n`);
    });
    expect(reply).toBe('{"ready":true}\n');
    const client = await runHog(['net', 'bench', `127.0.0.1:${server.port}`, '-t', '1', '--json']);
    expect(client.code, client.stderr).toBe(0);
    expect(JSON.parse(client.stdout).receiver.bytes).toBe(JSON.parse(client.stdout).sender.bytes);
    // the idle hello was there all along (the real client did not just come after its drop)
    expect(idle.destroyed).toBe(false);
    await idleClosed;
    await waitFor(
      () => server.stdout().includes('dropped 127.0.0.1: no test started within 10 s'),
      'the drop',
    );
    server.child.kill();
  });

  it('a peer that connects and says nothing is dropped after the handshake timeout', async () => {
    const server = await startServer(['--timeout', '1']);
    const silent = await open(server.port);
    await new Promise<void>((resolve) => silent.once('close', () => resolve()));
    await waitFor(
      () => server.stdout().includes('dropped 127.0.0.1: no test started within 1 s'),
      'the drop',
    );
    server.child.kill();
  });

  it('caps idle connections per address (72) and in all (256)', async () => {
    const server = await startServer(['--timeout', '120']);
    const sockets: Socket[] = [];
    let closed = 0;
    const openMany = async (count: number, from: string) => {
      for (let i = 0; i < count; i++) {
        const s = await open(server.port, from);
        s.on('error', () => {});
        s.once('close', () => closed++);
        sockets.push(s);
      }
    };
    const kept = () =>
      readFileSync('/proc/net/tcp', 'utf8')
        .split('\n')
        .filter((l) =>
          l
            .trim()
            .split(/\s+/)[1]
            ?.endsWith(`:${server.port.toString(16).toUpperCase().padStart(4, '0')}`),
        )
        .filter((l) => l.trim().split(/\s+/)[3] === '01').length;
    try {
      await openMany(200, '127.0.0.1');
      // The kernel completes handshakes before the server accepts them, so for a moment a connection
      // the server will drop is still ESTABLISHED in /proc/net/tcp: wait until both counts agree.
      const settled = (closedWanted: number, keptWanted: number) =>
        waitFor(
          () => closed === closedWanted && kept() === keptWanted,
          `${closedWanted} closed and ${keptWanted} kept (now ${closed} closed, ${kept()} kept)`,
        ).catch(() => undefined);
      await settled(200 - 72, 72);
      expect({ closed, kept: kept() }).toEqual({ closed: 200 - 72, kept: 72 });
      for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) await openMany(72, from);
      await settled(200 - 72 + (72 * 4 - 256), 256);
      expect({ closed, kept: kept() }).toEqual({ closed: 200 - 72 + (72 * 4 - 256), kept: 256 });
      expect(server.stdout()).toMatch(/dropped 127\.0\.0\.1: over 72 connections from this address/);
      expect(server.stdout()).toMatch(/dropped 127\.0\.0\.4: over 256 connections in all/);
    } finally {
      for (const s of sockets) s.destroy();
      server.child.kill();
    }
  });

  it('refuses out-of-range and mistyped hello fields with a clear message', async () => {
    const server = await startServer();
    const cases: [Record<string, unknown>, string][] = [
      [{ seconds: 1e9 }, 'seconds must be a whole number from 1 to 3600, got 1000000000 (number)'],
      [{ streams: 'x' }, 'streams must be a whole number from 1 to 64, got "x" (string)'],
      [{ streams: -1 }, 'streams must be a whole number from 1 to 64, got -1 (number)'],
      [{ streams: 1.5 }, 'streams must be a whole number from 1 to 64, got 1.5 (number)'],
      [{ seconds: 2.5 }, 'seconds must be a whole number from 1 to 3600, got 2.5 (number)'],
      [{ seconds: -3 }, 'seconds must be a whole number from 1 to 3600, got -3 (number)'],
      [{ reverse: 'yes' }, 'reverse must be true or false, got "yes" (string)'],
      [{ intervalSeconds: 0 }, 'intervalSeconds must be a number above 0 up to 60, got 0 (number)'],
      [{ cookie: '../x' }, 'cookie must be 32 lowercase hex digits, got "../x" (string)'],
      [{ extra: 1 }, 'unknown field "extra" (string) in the hello'],
    ];
    for (const [fields, message] of cases) {
      expect(JSON.parse(await sendLine(server.port, hello(fields)))).toEqual({
        error: message,
        code: 'invalid',
      });
    }
    expect(JSON.parse(await sendLine(server.port, hello({ hello: 2 })))).toEqual({
      error: 'protocol version 2 (number) not supported (server speaks 1)',
      code: 'version',
    });
    // not JSON, or not an object: dropped without a word
    expect(await sendLine(server.port, '{nope')).toBe('');
    expect(await sendLine(server.port, '[1]')).toBe('');
    server.child.kill();
  });

  it('with --token on loopback, a client without it or with a wrong one is refused (exit 3)', async () => {
    const token = 'loopback-token-0123456789';
    const server = await startServer(['--token', token]);
    await waitFor(
      () => server.stdout().includes('clients must give the token (--token or HOG_BENCH_TOKEN)'),
      'the note',
    );
    const target = `127.0.0.1:${server.port}`;
    const without = await runHog(['net', 'bench', target, '-t', '1']);
    expect(without.code).toBe(3);
    expect(without.stderr).toContain('hog: the bench server refused: this server needs a token');
    expect(without.stderr).toContain('hint: pass the token the server printed: --token TOKEN');
    const wrong = await runHog(['net', 'bench', target, '-t', '1', '--token', 'wrong-token-0123456789']);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('hog: the bench server refused: wrong token');
    const right = await runHog(['net', 'bench', target, '-t', '1', '--json'], {
      env: { HOG_BENCH_TOKEN: token },
    });
    expect(right.code, right.stderr).toBe(0);
    server.child.kill();
  });
});

describe('hog net bench --server that cannot listen', () => {
  it('names the address no interface has, and the port that is taken (exit 2)', async () => {
    const absent = await runHog(['net', 'bench', '--server', '--bind', '192.0.2.1']);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toBe(
      'hog: cannot listen on 192.0.2.1:5210: no interface of this host has that address\nhint: ip -brief address lists the addresses here\n',
    );
    const taken = createServer();
    const port = await new Promise<number>((resolve) =>
      taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)),
    );
    try {
      const busy = await runHog(['net', 'bench', '--server', '--port', String(port)]);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(`hog: cannot listen on 127.0.0.1:${port}: the port is taken`);
    } finally {
      taken.close();
    }
  });
});

describe('hog net bench client', () => {
  let silent: Server | undefined;
  afterAll(() => silent?.close());

  it('against a server that accepts and never answers: a timeout error, exit 2, no hang', async () => {
    const held: Socket[] = [];
    const server = createServer((s) => held.push(s));
    silent = server;
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    const result = await runHog(['net', 'bench', `127.0.0.1:${port}`, '-t', '1'], { timeoutMs: 20_000 });
    for (const s of held) s.destroy();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `hog: no answer from a hog net bench server at 127.0.0.1:${port}: no reply to the hello within 5 s`,
    );
    expect(result.stderr).toMatch(/^hint: check that hog net bench --server runs there/m);
  });

  it('refuses what the server would refuse, naming the flag', async () => {
    const fractional = await runHog(['net', 'bench', '127.0.0.1:9', '-t', '1.5']);
    expect(fractional.code).toBe(2);
    expect(fractional.stderr).toContain('hog: --time must be whole seconds, got 1.5 (number)');
    const many = await runHog(['net', 'bench', '127.0.0.1:9', '-P', '1000']);
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('hog: --parallel out of range: 1000 (number)');
    const short = await runHog(['net', 'bench', '127.0.0.1:9', '--token', 'abc']);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('hog: --token is not a usable token: "abc"');
  });
});

describe.skipIf(!netnsAvailable())('hog net bench --server between two namespaces', () => {
  it('by default is not reachable from the other namespace; with --bind it prints a token and checks it', async () => {
    const pair = createNetnsPair('q');
    try {
      const collect = (ns: string, args: string[]) => {
        const child = pair.spawnIn(ns, HOG_BIN, args);
        let out = '';
        let err = '';
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
        });
        child.stderr?.on('data', (d: Buffer) => {
          err += d.toString();
        });
        const done = new Promise<number | null>((resolve) => child.on('close', resolve));
        return { child, out: () => out, err: () => err, done };
      };
      const loopbackOnly = collect(pair.b, ['net', 'bench', '--server', '--port', '0']);
      const port = Number(
        (await waitFor(() => LISTENING.exec(loopbackOnly.out()) ?? undefined, 'the server'))[2],
      );
      expect(pair.execIn(pair.b, 'ss', ['-tlnH', `sport = :${port}`])).toMatch(
        new RegExp(`127\\.0\\.0\\.1:${port} `),
      );
      const across = collect(pair.a, ['net', 'bench', `${pair.addressB}:${port}`, '-t', '1']);
      expect(await across.done).toBe(2);
      expect(across.err()).toContain(
        `hog: no hog net bench server at ${pair.addressB}:${port} (connection refused)`,
      );
      expect(across.err()).toContain(
        `hint: start one there with: hog net bench --server --bind ${pair.addressB} --port ${port} (without --bind it listens on 127.0.0.1 only)`,
      );
      loopbackOnly.child.kill();

      const open = collect(pair.b, ['net', 'bench', '--server', '--port', '0', '--bind', pair.addressB]);
      const bound = await waitFor(
        () => / {2}token (\S+)\n/.exec(open.out()) ?? undefined,
        'the generated token',
      );
      const token = bound[1] as string;
      expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const openPort = Number(LISTENING.exec(open.out())?.[2]);
      expect(open.out()).toContain(`listening on ${pair.addressB} port ${openPort}`);
      expect(open.out()).toContain('not loopback: clients must give this token');
      expect(open.out()).toContain(`hog net bench ${pair.addressB}:${openPort} --token ${token}`);
      const target = `${pair.addressB}:${openPort}`;
      const without = collect(pair.a, ['net', 'bench', target, '-t', '1']);
      expect(await without.done).toBe(3);
      expect(without.err()).toContain('this server needs a token');
      const wrong = collect(pair.a, ['net', 'bench', target, '-t', '1', '--token', `${token.slice(1)}x`]);
      expect(await wrong.done).toBe(3);
      expect(wrong.err()).toContain('wrong token');
      const right = collect(pair.a, ['net', 'bench', target, '-t', '1', '--token', token, '--json']);
      expect(await right.done, right.err()).toBe(0);
      const result = JSON.parse(right.out()) as { sender: { bytes: number }; receiver: { bytes: number } };
      expect(result.receiver.bytes).toBe(result.sender.bytes);
      open.child.kill();
    } finally {
      pair.remove();
    }
  });
});
