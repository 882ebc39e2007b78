/**
 * `hog net bench HOST[:PORT]`: connects the control channel and the data streams, runs the test
 * (sending, or receiving with reverse), and collects both sides' results.
 */
import { randomBytes } from 'node:crypto';
import { connect, type NetConnectOpts, type Socket } from 'node:net';
import { errnoCode, NotFoundError, UnsupportedError } from '../../errors.js';
import {
  type ControlMessage,
  DATA_MAGIC,
  encode,
  type Hello,
  type IntervalStat,
  lineReader,
  PROTOCOL_VERSION,
  type SideResult,
} from './protocol.js';
import { type BenchStream, runSession } from './session.js';
import { onreadOptions, ReadCounter, SEND_HIGH_WATER_MARK } from './stream.js';

export interface BenchClientOptions {
  address: string;
  port: number;
  seconds: number;
  streams: number;
  reverse: boolean;
  intervalSeconds: number;
  onInterval?: (stat: IntervalStat) => void;
}

export interface BenchOutcome {
  local: SideResult;
  remote: SideResult;
  sender: SideResult;
  receiver: SideResult;
}

function open(address: string, port: number, counter?: ReadCounter): Promise<Socket> {
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
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', (error) => {
      const code = errnoCode(error);
      if (code === 'ECONNREFUSED') {
        reject(
          new NotFoundError(`no hog net bench server at ${address}:${port} (connection refused)`, {
            hint: `start one there with: hog net bench --server --port ${port}`,
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

export async function runBenchClient(options: BenchClientOptions): Promise<BenchOutcome> {
  const control = await open(options.address, options.port);
  const messages: ControlMessage[] = [];
  let notify: (() => void) | undefined;
  let closed = false;
  control.on(
    'data',
    lineReader((m) => {
      messages.push(m);
      notify?.();
    }),
  );
  control.on('close', () => {
    closed = true;
    notify?.();
  });
  control.on('error', () => {});
  const next = async <K extends string>(key: K): Promise<ControlMessage> => {
    for (;;) {
      const index = messages.findIndex((m) => key in m || 'error' in m);
      if (index >= 0) {
        const [m] = messages.splice(index, 1) as [ControlMessage];
        if ('error' in m) throw new UnsupportedError(`the bench server refused: ${m.error}`);
        return m;
      }
      if (closed) throw new UnsupportedError('the bench server closed the connection');
      await new Promise<void>((resolve) => {
        notify = resolve;
      });
    }
  };
  try {
    const cookie = randomBytes(16).toString('hex');
    const hello: Hello = {
      hello: PROTOCOL_VERSION,
      streams: options.streams,
      reverse: options.reverse,
      seconds: options.seconds,
      intervalSeconds: options.intervalSeconds,
      cookie,
    };
    control.write(encode(hello));
    await next('ready');
    const streams: BenchStream[] = [];
    for (let i = 0; i < options.streams; i++) {
      const received = options.reverse ? new ReadCounter() : undefined;
      const socket = await open(options.address, options.port, received);
      socket.setNoDelay(false);
      socket.write(`${DATA_MAGIC}${cookie}\n`);
      streams.push(received ? { socket, received } : { socket });
    }
    await next('start');
    const local = await runSession(streams, {
      role: options.reverse ? 'receiver' : 'sender',
      seconds: options.seconds,
      intervalSeconds: options.intervalSeconds,
      ...(options.onInterval ? { onInterval: options.onInterval } : {}),
    });
    const remote = ((await next('result')) as { result: SideResult }).result;
    for (const s of streams) s.socket.destroy();
    return {
      local,
      remote,
      sender: local.role === 'sender' ? local : remote,
      receiver: local.role === 'receiver' ? local : remote,
    };
  } finally {
    control.destroy();
  }
}
