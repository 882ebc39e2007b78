/**
 * `hog net bench HOST[:PORT]`: connects the control channel and the data streams, runs the test
 * (sending, or receiving with reverse), and collects both sides' results.
 */
import { randomBytes } from 'node:crypto';
import { connect, type NetConnectOpts, type Socket } from 'node:net';
import {
  errnoCode,
  type HogError,
  NotFoundError,
  PermissionError,
  UnsupportedError,
  UsageError,
} from '../../errors.js';
import { isLoopbackAddress } from './access.js';
import {
  DATA_MAGIC,
  encode,
  type Hello,
  type IntervalStat,
  LineTooLong,
  lineReader,
  MAX_RESULT_LINE,
  PROTOCOL_VERSION,
  type SideResult,
} from './protocol.js';
import { checkResult } from './result.js';
import { onreadOptions, ReadCounter, SEND_HIGH_WATER_MARK } from './stream.js';
import { type BenchStream, runSession } from './transfer.js';

export interface BenchClientOptions {
  address: string;
  /**
   * The host's other addresses, tried in turn when one cannot be reached: "localhost" may resolve
   * to ::1 first while the server listens on 127.0.0.1 only.
   */
  otherAddresses?: readonly string[];
  port: number;
  seconds: number;
  streams: number;
  reverse: boolean;
  intervalSeconds: number;
  /** The server's token (needed when it listens beyond loopback). */
  token?: string;
  /** How long to wait for the server at each step: connect, ready, start, and the result. */
  timeoutMs?: number;
  onInterval?: (stat: IntervalStat) => void;
}

export const DEFAULT_CLIENT_TIMEOUT_MS = 5_000;

export interface BenchOutcome {
  /** The address the test ran against. */
  address: string;
  local: SideResult;
  remote: SideResult;
  sender: SideResult;
  receiver: SideResult;
}

const seconds = (ms: number) => `${ms / 1000} s`;

/** No server answered in time: the address, the port or the server's --bind is not what the user thinks. */
function silent(address: string, port: number, what: string, timeoutMs: number): NotFoundError {
  return new NotFoundError(
    `no answer from a hog net bench server at ${address}:${port}: ${what} within ${seconds(timeoutMs)}`,
    {
      hint: `check that hog net bench --server runs there and listens on an address you can reach (127.0.0.1 unless started with --bind ADDR); --timeout SECONDS waits longer`,
    },
  );
}

function open(address: string, port: number, timeoutMs: number, counter?: ReadCounter): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const read = counter ? onreadOptions((bytes) => counter.add(bytes.length)) : {};
    // writableHighWaterMark is a stream option the Socket takes, though NetConnectOpts does not list it
    const options = {
      host: address,
      port,
      noDelay: true,
      writableHighWaterMark: SEND_HIGH_WATER_MARK,
      ...read,
    };
    const socket = connect(options as NetConnectOpts);
    // a SYN nobody answers (a firewall dropping it) would otherwise wait for the kernel's retries, minutes
    const timer = setTimeout(() => {
      socket.destroy();
      reject(silent(address, port, 'the connection was not accepted', timeoutMs));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      const code = errnoCode(error);
      if (code === 'ECONNREFUSED') {
        reject(
          new NotFoundError(`no hog net bench server at ${address}:${port} (connection refused)`, {
            // a server runs on loopback only unless told --bind: the likely miss from another host
            hint: isLoopbackAddress(address)
              ? `start one there with: hog net bench --server --port ${port}`
              : `start one there with: hog net bench --server --bind ${address} --port ${port} (without --bind it listens on 127.0.0.1 only)`,
            cause: error,
          }),
        );
      } else
        reject(
          new UnsupportedError(`cannot connect to ${address}:${port}: ${code ?? error.message}`, {
            cause: error,
          }),
        );
    });
  });
}

/** The server's refusal as hog's error: its code says whose fault it is. */
function refused(message: { error: unknown; code?: unknown }): HogError {
  const text = `the bench server refused: ${sanitize(String(message.error))}`;
  switch (message.code) {
    case 'token':
      return new PermissionError(text, {
        hint: 'pass the token the server printed: --token TOKEN, or HOG_BENCH_TOKEN=TOKEN in the environment',
      });
    case 'invalid':
    case 'version':
      return new UsageError(text, {
        hint: 'check --time, --parallel and --interval, and that both sides run the same hog',
      });
    default:
      return new UnsupportedError(text, { hint: 'try again when the running test is over' });
  }
}

/** Control characters out of the server's text before it reaches the terminal. */
const sanitize = (text: string) => text.slice(0, 300).replace(/\p{Cc}/gu, '?');

/** The control connection's messages, awaited one kind at a time, each within a deadline. */
class ControlReader {
  private readonly messages: Record<string, unknown>[] = [];
  private notify: (() => void) | undefined;
  private closed = false;
  private failure: Error | undefined;

  constructor(control: Socket) {
    const read = lineReader((m) => {
      if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new SyntaxError('not an object');
      this.messages.push(m as Record<string, unknown>);
      this.notify?.();
    }, MAX_RESULT_LINE);
    control.on('data', (chunk: Buffer) => {
      try {
        read(chunk);
      } catch (error) {
        this.failure = new UnsupportedError(
          `the bench server sent ${error instanceof LineTooLong ? `a line over ${error.limit} bytes` : 'something that is not hog net bench protocol'}`,
          { cause: error },
        );
        control.destroy();
      }
    });
    control.on('close', () => {
      this.closed = true;
      this.notify?.();
    });
    control.on('error', () => {});
  }

  async next(key: string, timeoutMs: number, onTimeout: () => Error): Promise<Record<string, unknown>> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex((m) => key in m || 'error' in m);
      if (index >= 0) {
        const [m] = this.messages.splice(index, 1) as [Record<string, unknown>];
        if ('error' in m) throw refused(m as { error: unknown; code?: unknown });
        return m;
      }
      if (this.failure) throw this.failure;
      if (this.closed) throw new UnsupportedError('the bench server closed the connection');
      const left = deadline - performance.now();
      if (left <= 0) throw onTimeout();
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.notify = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }
}

/** The control connection, to the first of the host's addresses that takes it. */
async function openControl(
  options: BenchClientOptions,
  timeoutMs: number,
): Promise<{ address: string; control: Socket }> {
  const addresses = [options.address, ...(options.otherAddresses ?? [])];
  for (const [i, address] of addresses.entries()) {
    try {
      return { address, control: await open(address, options.port, timeoutMs) };
    } catch (error) {
      // the next address may answer (a server on 127.0.0.1 only, asked through ::1); the last error stands
      if (i === addresses.length - 1) throw error;
    }
  }
  throw new Error('openControl: the address list was empty, though it always holds options.address');
}

/** The hello for these options, with a fresh cookie that ties the data streams to it. */
function helloFor(options: BenchClientOptions): Hello {
  const hello: Hello = {
    hello: PROTOCOL_VERSION,
    streams: options.streams,
    reverse: options.reverse,
    seconds: options.seconds,
    intervalSeconds: options.intervalSeconds,
    cookie: randomBytes(16).toString('hex'),
  };
  if (options.token !== undefined) hello.token = options.token;
  return hello;
}

export async function runBenchClient(options: BenchClientOptions): Promise<BenchOutcome> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS;
  const { address, control } = await openControl(options, timeoutMs);
  const { port } = options;
  const reader = new ControlReader(control);
  const streams: BenchStream[] = [];
  let hardStop: NodeJS.Timeout | undefined;
  try {
    const hello = helloFor(options);
    control.write(encode(hello));
    await reader.next('ready', timeoutMs, () => silent(address, port, 'no reply to the hello', timeoutMs));
    await openDataStreams(streams, address, options, hello.cookie, timeoutMs);
    await reader.next(
      'start',
      timeoutMs,
      () =>
        new UnsupportedError(
          `the bench server did not start the test within ${seconds(timeoutMs)} of the last stream`,
        ),
    );
    hardStop = boundStreams(streams, options.seconds, timeoutMs);
    const local = await runSession(streams, {
      role: options.reverse ? 'receiver' : 'sender',
      seconds: options.seconds,
      intervalSeconds: options.intervalSeconds,
      ...(options.onInterval ? { onInterval: options.onInterval } : {}),
    });
    const reply = await reader.next(
      'result',
      timeoutMs,
      () =>
        new UnsupportedError(
          `the bench server sent no result within ${seconds(timeoutMs)} of the test's end`,
        ),
    );
    const remote = checkResult(reply.result);
    return {
      address,
      local,
      remote,
      sender: local.role === 'sender' ? local : remote,
      receiver: local.role === 'receiver' ? local : remote,
    };
  } finally {
    clearTimeout(hardStop);
    for (const s of streams) s.socket.destroy();
    control.destroy();
  }
}

/**
 * The data streams, each introduced by the hello's cookie, added to `streams` as they open (so that
 * the caller closes those already open when a later one fails).
 */
async function openDataStreams(
  streams: BenchStream[],
  address: string,
  options: BenchClientOptions,
  cookie: string,
  timeoutMs: number,
): Promise<void> {
  for (let i = 0; i < options.streams; i++) {
    const received = options.reverse ? new ReadCounter() : undefined;
    const socket = await open(address, options.port, timeoutMs, received);
    socket.setNoDelay(false);
    socket.write(`${DATA_MAGIC}${cookie}\n`);
    streams.push(received ? { socket, received } : { socket });
  }
}

/**
 * A server that stalls a stream, or trickles bytes past the test's end, cannot keep the client: each
 * stream times out when idle, and all are destroyed once the test and a timeout are over. Returns
 * that last timer, for the caller to clear.
 */
function boundStreams(
  streams: readonly BenchStream[],
  testSeconds: number,
  timeoutMs: number,
): NodeJS.Timeout {
  for (const s of streams) s.socket.setTimeout(timeoutMs, () => s.socket.destroy());
  return setTimeout(
    () => {
      for (const s of streams) s.socket.destroy();
    },
    testSeconds * 1000 + timeoutMs,
  );
}
