/**
 * The bench server and client against peers that stall once the test has started, on loopback with
 * short timeouts: a data stream that goes quiet, one that trickles a byte at a time past the test's end,
 * a server that stops answering, and a server that sends a line without end.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isHogError } from '../../../src/errors.js';
import { runBenchClient } from '../../../src/net/bench/client.js';
import { BenchServer } from '../../../src/net/bench/server.js';
import { waitFor } from '../../helpers/processes.js';

const COOKIE = '00112233445566778899aabbccddeeff';
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      // a reset by the server is part of these tests
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
    closers.push(() => socket.destroy());
  });
}

/** The lines a socket received so far. */
function lines(socket: Socket): () => string[] {
  let text = '';
  socket.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return () => text.split('\n').filter(Boolean);
}

/** A server with a 300 ms idle timeout, and a control connection whose one-stream test has started. */
async function startedTest() {
  const server = new BenchServer({}, { idleTimeoutMs: 300 });
  closers.push(() => server.close());
  const port = await server.listen(0, '127.0.0.1');
  const control = await open(port);
  const received = lines(control);
  control.write(
    `${JSON.stringify({ hello: 1, streams: 1, reverse: false, seconds: 1, intervalSeconds: 1, cookie: COOKIE })}\n`,
  );
  await waitFor(() => received().includes('{"ready":true}'), 'ready');
  const data = await open(port);
  data.on('error', () => {});
  const dataClosed = new Promise<void>((resolve) => data.once('close', () => resolve()));
  data.write(`HOGD${COOKIE}\n`);
  await waitFor(() => received().includes('{"start":true}'), 'start');
  const result = async () => {
    const line = await waitFor(() => received().find((l) => l.startsWith('{"result"')), 'the result');
    return (JSON.parse(line) as { result: { role: string; bytes: number } }).result;
  };
  return { data, dataClosed, result };
}

describe('BenchServer handshake deadline', () => {
  it('restarts with each data stream: a client opening streams slowly is not cut off, one that stops is', async () => {
    const server = new BenchServer({}, { handshakeTimeoutMs: 1000 });
    closers.push(() => server.close());
    const port = await server.listen(0, '127.0.0.1');
    const control = await open(port);
    const received = lines(control);
    const controlClosed = new Promise<void>((resolve) => control.once('close', () => resolve()));
    control.write(
      `${JSON.stringify({ hello: 1, streams: 4, reverse: false, seconds: 1, intervalSeconds: 1, cookie: COOKIE })}\n`,
    );
    await waitFor(() => received().includes('{"ready":true}'), 'ready');
    // three streams 600 ms apart: 1.8 s in all, past the 1 s deadline of the control connection
    const streams: Socket[] = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 600));
      expect(control.destroyed).toBe(false);
      const data = await open(port);
      data.write(`HOGD${COOKIE}\n`);
      streams.push(data);
    }
    // the fourth never comes: the test is dropped, its streams with it
    await controlClosed;
    await Promise.all(streams.map((d) => new Promise((r) => (d.destroyed ? r(0) : d.once('close', r)))));
    expect(received()).toEqual(['{"ready":true}']);
  });
});

describe('BenchServer with a peer that stalls after the start', () => {
  it('closes a data stream that sends nothing, and still reports', async () => {
    const test = await startedTest();
    await test.dataClosed;
    expect(await test.result()).toMatchObject({ role: 'receiver', bytes: 0 });
  });

  it('ends a test that a peer trickles past its length (length + idle timeout at most)', async () => {
    const test = await startedTest();
    let sent = 0;
    const trickle = setInterval(() => {
      if (!test.data.destroyed) test.data.write('x', () => sent++);
    }, 50);
    closers.push(() => clearInterval(trickle));
    await test.dataClosed;
    clearInterval(trickle);
    const result = await test.result();
    expect(result.role).toBe('receiver');
    // every byte the kernel took before the close was counted (the last may have been in flight)
    expect([sent - 1, sent]).toContain(result.bytes);
  });
});

/** A fake server: replies `ready` to the hello, `start` once one data stream is in, then `after`. */
async function fakeServer(after: (control: Socket) => void): Promise<number> {
  let control: Socket | undefined;
  const server: Server = createServer((socket) => {
    closers.push(() => socket.destroy());
    socket.on('error', () => {});
    socket.once('data', (d: Buffer) => {
      if (d[0] === '{'.charCodeAt(0)) {
        control = socket;
        socket.write('{"ready":true}\n');
      } else if (control) {
        control.write('{"start":true}\n');
        after(control);
      }
    });
  });
  closers.push(() => server.close());
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

async function clientError(port: number, reverse: boolean): Promise<{ code: number; message: string }> {
  try {
    await runBenchClient({
      address: '127.0.0.1',
      port,
      seconds: 1,
      streams: 1,
      reverse,
      intervalSeconds: 1,
      timeoutMs: 300,
    });
  } catch (error) {
    if (!isHogError(error)) throw error;
    return { code: error.exitCode, message: error.message };
  }
  throw new Error('the client succeeded');
}

describe('runBenchClient against a server that misbehaves after the start', () => {
  it('a server that sends nothing more (no data, no result): a timeout, exit 4', async () => {
    const port = await fakeServer(() => {});
    expect(await clientError(port, true)).toEqual({
      code: 4,
      message: "the bench server sent no result within 0.3 s of the test's end",
    });
  });

  it('a server that sends a line without end: stopped at 2 MiB, exit 4', async () => {
    const port = await fakeServer((control) => {
      const chunk = Buffer.alloc(1024 * 1024, 0x78);
      for (let i = 0; i < 3; i++) control.write(chunk);
    });
    expect(await clientError(port, false)).toEqual({
      code: 4,
      message: 'the bench server sent a line over 2097152 bytes',
    });
  });
});

describe('runBenchClient with several addresses', () => {
  it('goes on to the next address when the first refuses (localhost as ::1 before 127.0.0.1)', async () => {
    const server = new BenchServer();
    closers.push(() => server.close());
    const port = await server.listen(0, '127.0.0.1');
    const outcome = await runBenchClient({
      address: '::1',
      otherAddresses: ['127.0.0.1'],
      port,
      seconds: 1,
      streams: 1,
      reverse: false,
      intervalSeconds: 1,
    });
    expect(outcome.address).toBe('127.0.0.1');
    expect(outcome.receiver.bytes).toBe(outcome.sender.bytes);
  });
});
