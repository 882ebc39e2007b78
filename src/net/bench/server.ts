/**
 * `hog net bench --server`: accepts a control connection, then that test's data streams, runs the
 * test as receiver (or sender with --reverse) and sends its result back. One test at a time; a
 * client arriving during a test is told the server is busy.
 */
import { createServer, type Server, type Socket } from 'node:net';
import {
  type ControlMessage,
  DATA_HEADER_LENGTH,
  DATA_MAGIC,
  encode,
  type Hello,
  lineReader,
  PROTOCOL_VERSION,
  type SideResult,
} from './protocol.js';
import { type BenchStream, runSession } from './session.js';
import { adoptAccepted, ReadCounter } from './stream.js';

export interface BenchServerEvents {
  /** A test began: the client's address and what it asked for. */
  onTest?: (client: string, hello: Hello) => void;
  onResult?: (client: string, result: SideResult) => void;
  onError?: (client: string, message: string) => void;
}

interface Test {
  hello: Hello;
  control: Socket;
  streams: BenchStream[];
}

export class BenchServer {
  private readonly server: Server;
  private test: Test | undefined;

  constructor(
    private readonly events: BenchServerEvents = {},
    private readonly oneOff = false,
  ) {
    // paused: the first bytes must be read by adoptAccepted's buffer, not by Node's own
    this.server = createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
  }

  listen(port: number, host?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port, host, ipv6Only: false }, () => {
        this.server.removeListener('error', reject);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  /** Resolves when the server closes (after one test with oneOff). */
  closed(): Promise<void> {
    return new Promise((resolve) => this.server.once('close', () => resolve()));
  }

  close(): void {
    this.server.close();
    this.test?.control.destroy();
    for (const s of this.test?.streams ?? []) s.socket.destroy();
  }

  /**
   * A new connection: its first bytes say what it is. "{" starts a control connection (JSON lines);
   * "HOGD" + cookie a data stream, whose further bytes are only counted.
   */
  private accept(accepted: Socket): void {
    let kind: 'unknown' | 'control' | 'data' = 'unknown';
    let header = Buffer.alloc(0);
    const counter = new ReadCounter();
    let onControl: ((chunk: Buffer) => void) | undefined;
    const socket = adoptAccepted(accepted, (bytes) => {
      if (kind === 'data') {
        counter.add(bytes.length);
        return;
      }
      if (kind === 'control') {
        onControl?.(Buffer.from(bytes));
        return;
      }
      header = Buffer.concat([header, bytes]);
      if (header[0] === '{'.charCodeAt(0)) {
        kind = 'control';
        onControl = this.control(socket, header);
      } else if (header.length >= DATA_HEADER_LENGTH) {
        kind = 'data';
        counter.add(header.length - DATA_HEADER_LENGTH);
        this.data(socket, header, counter);
      }
    });
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
  }

  private control(socket: Socket, first: Buffer): (chunk: Buffer) => void {
    const client = `${socket.remoteAddress}:${socket.remotePort}`;
    const read = lineReader((message: ControlMessage) => {
      if ('hello' in message) {
        if (this.test) {
          socket.end(encode({ error: 'server busy: another test is running' }));
          return;
        }
        if (message.hello !== PROTOCOL_VERSION) {
          socket.end(
            encode({
              error: `protocol version ${message.hello} not supported (server speaks ${PROTOCOL_VERSION})`,
            }),
          );
          return;
        }
        this.test = { hello: message, control: socket, streams: [] };
        this.events.onTest?.(client, message);
        socket.write(encode({ ready: true }));
      }
    });
    const onChunk = (chunk: Buffer) => {
      try {
        read(chunk);
      } catch {
        socket.destroy();
      }
    };
    socket.on('close', () => {
      if (this.test?.control === socket) this.abort(client, 'the client went away');
    });
    onChunk(first);
    return onChunk;
  }

  private data(socket: Socket, header: Buffer, counter: ReadCounter): void {
    const test = this.test;
    const magic = header.subarray(0, DATA_MAGIC.length).toString('latin1');
    const cookie = header.subarray(DATA_MAGIC.length, DATA_HEADER_LENGTH - 1).toString('latin1');
    if (
      !test ||
      magic !== DATA_MAGIC ||
      cookie !== test.hello.cookie ||
      test.streams.length >= test.hello.streams
    ) {
      socket.destroy();
      return;
    }
    test.streams.push({ socket, received: counter });
    if (test.streams.length === test.hello.streams) void this.run(test);
  }

  private async run(test: Test): Promise<void> {
    const client = `${test.control.remoteAddress}:${test.control.remotePort}`;
    test.control.write(encode({ start: true }));
    try {
      const result = await runSession(test.streams, {
        role: test.hello.reverse ? 'sender' : 'receiver',
        seconds: test.hello.seconds,
        intervalSeconds: test.hello.intervalSeconds,
      });
      if (!test.control.destroyed) test.control.end(encode({ result }));
      this.events.onResult?.(client, result);
    } catch (error) {
      this.abort(client, error instanceof Error ? error.message : String(error));
    } finally {
      for (const s of test.streams) s.socket.destroy();
      if (this.test === test) this.test = undefined;
      if (this.oneOff) this.server.close();
    }
  }

  private abort(client: string, message: string): void {
    const test = this.test;
    if (!test) return;
    this.test = undefined;
    for (const s of test.streams) s.socket.destroy();
    this.events.onError?.(client, message);
    if (this.oneOff) this.server.close();
  }
}
