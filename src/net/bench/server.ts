/**
 * `hog net bench --server`: accepts a control connection, then that test's data streams, runs the
 * test as receiver (or sender with --reverse) and sends its result back. One test runs at a time; a
 * client arriving during a test is told the server is busy.
 *
 * Anyone who can reach the port is a peer, so everything a peer can make the server hold is bounded:
 * connections (per address and in all, limits.ts), the control line (MAX_CONTROL_LINE), the hello's
 * fields (hello.ts), the time to finish the handshake (a silent or half-done peer is dropped, and a
 * hello whose streams never come does not make the server busy: only a running test does), the idle
 * time of a data stream, and the length of a test. With a token, a hello without it is refused.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { errnoCode, PermissionError, UsageError } from '../../errors.js';
import { unmapAddress } from '../address.js';
import { checkHello, HelloRefused } from './hello.js';
import { ConnectionLimits } from './limits.js';
import {
  DATA_HEADER_LENGTH,
  DATA_MAGIC,
  encode,
  type Hello,
  LineTooLong,
  lineReader,
  MAX_CONTROL_LINE,
  type RefusalCode,
  type SideResult,
} from './protocol.js';
import { adoptAccepted, ReadCounter } from './stream.js';
import { tokensMatch } from './token.js';
import { type BenchStream, runSession } from './transfer.js';

export interface BenchServerEvents {
  /** A test began: the client's address and what it asked for. */
  onTest?: (client: string, hello: Hello) => void;
  onResult?: (client: string, result: SideResult) => void;
  onError?: (client: string, message: string) => void;
  /** A peer was refused or dropped before its test ran: over a limit, silent, a bad hello or token. */
  onDropped?: (peer: string, reason: string) => void;
}

export interface BenchServerOptions {
  /** Handle one test, then close. */
  oneOff?: boolean;
  /** When set, a hello must carry this token. */
  token?: string;
  /** A connection must be part of a started test this long after it connects, or it is dropped. */
  handshakeTimeoutMs?: number;
  /** A data stream that moves nothing for this long during a test is closed. */
  idleTimeoutMs?: number;
  limits?: ConnectionLimits;
}

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 10_000;

interface Test {
  hello: Hello;
  peer: string;
  client: string;
  control: Socket;
  streams: BenchStream[];
}

/** A connection the server holds, and its handshake deadline until its test starts. */
interface Held {
  socket: Socket;
  handshake: NodeJS.Timeout | undefined;
}

/** Why the server cannot listen, as the user's error where it is theirs (the address, the port). */
function listenError(error: Error, host: string, port: number): Error {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (errnoCode(error)) {
    case 'EADDRNOTAVAIL':
      return new UsageError(`cannot listen on ${where}: no interface of this host has that address`, {
        hint: 'ip -brief address lists the addresses here',
        cause: error,
      });
    case 'EADDRINUSE':
      return new UsageError(`cannot listen on ${where}: the port is taken`, {
        hint: `ss -ltnp 'sport = :${port}' shows who holds it; --port 0 picks a free one`,
        cause: error,
      });
    case 'EACCES':
      return new PermissionError(`cannot listen on ${where}: ports below 1024 need root`, {
        hint: 'use a port from 1024 up (the default is 5210), or run as root',
        cause: error,
      });
    default:
      return error;
  }
}

export class BenchServer {
  private readonly server: Server;
  private readonly limits: ConnectionLimits;
  private readonly handshakeMs: number;
  private readonly idleMs: number;
  private readonly held = new Map<Socket, Held>();
  /** Tests whose hello came, waiting for their data streams, by cookie. */
  private readonly pending = new Map<string, Test>();
  private running: Test | undefined;
  private closing = false;

  constructor(
    private readonly events: BenchServerEvents = {},
    private readonly options: BenchServerOptions = {},
  ) {
    this.limits = options.limits ?? new ConnectionLimits();
    this.handshakeMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    this.idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    // paused: the first bytes must be read by adoptAccepted's buffer, not by Node's own
    this.server = createServer({ pauseOnConnect: true }, (socket) => this.accept(socket));
  }

  /** Listen on `host` (an address; "::" or "0.0.0.0" for every interface); resolves the port. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (error) => reject(listenError(error, host, port)));
      this.server.listen({ port, host, ipv6Only: false }, () => {
        this.server.removeAllListeners('error');
        // an accept that fails (out of descriptors) must not end the server: the peer is lost, no more
        this.server.on('error', (error) =>
          this.events.onDropped?.('a peer', `accept failed: ${error.message}`),
        );
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  /** Resolves when the server closes (after one test with oneOff). */
  closed(): Promise<void> {
    return new Promise((resolve) => this.server.once('close', () => resolve()));
  }

  /** Stop listening and drop every connection but `finishing` (a control connection still sending its result). */
  close(finishing?: Socket): void {
    if (this.closing) return;
    this.closing = true;
    this.server.close();
    for (const { socket } of this.held.values()) if (socket !== finishing) socket.destroy();
  }

  /**
   * A new connection: past the limits, its first bytes say what it is. "{" starts a control
   * connection (JSON lines); "HOGD" + cookie a data stream, whose further bytes are only counted.
   */
  private accept(accepted: Socket): void {
    const peer = unmapAddress(accepted.remoteAddress ?? '');
    const refused = peer === '' ? 'gone before it was accepted' : this.limits.admit(peer);
    if (refused !== undefined) {
      accepted.destroy();
      this.events.onDropped?.(peer, refused);
      return;
    }
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
        onControl?.(bytes);
        return;
      }
      if (bytes.length === 0) return;
      if (header.length === 0 && bytes[0] === '{'.charCodeAt(0)) {
        kind = 'control';
        onControl = this.control(socket, peer);
        onControl(bytes);
        return;
      }
      // a data header is DATA_HEADER_LENGTH bytes: only that much is kept before deciding
      const take = Math.min(bytes.length, DATA_HEADER_LENGTH - header.length);
      header = Buffer.concat([header, bytes.subarray(0, take)]);
      if (header[0] !== DATA_MAGIC.charCodeAt(0)) {
        this.drop(socket, peer, 'neither a hello nor a data stream');
      } else if (header.length === DATA_HEADER_LENGTH) {
        kind = 'data';
        counter.add(bytes.length - take);
        this.data(socket, header, counter);
      }
    });
    this.held.set(socket, { socket, handshake: undefined });
    this.deadline(socket, peer);
    socket.once('close', () => {
      clearTimeout(this.held.get(socket)?.handshake);
      this.held.delete(socket);
      this.limits.release(peer);
    });
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
  }

  /** (Re)start the time `socket` has to become part of a started test; undefined `peer`: stop it. */
  private deadline(socket: Socket, peer: string | undefined): void {
    const held = this.held.get(socket);
    if (!held) return;
    clearTimeout(held.handshake);
    held.handshake =
      peer === undefined
        ? undefined
        : setTimeout(
            () => this.drop(socket, peer, `no test started within ${this.handshakeMs / 1000} s`),
            this.handshakeMs,
          );
  }

  private drop(socket: Socket, peer: string, reason: string): void {
    if (socket.destroyed) return;
    socket.destroy();
    this.events.onDropped?.(peer, reason);
  }

  private refuse(socket: Socket, peer: string, message: string, code: RefusalCode): void {
    socket.end(encode({ error: message, code }));
    // the peer may never read or close: the handshake deadline still holds for it
    this.events.onDropped?.(peer, message);
  }

  private control(socket: Socket, peer: string): (chunk: Buffer) => void {
    const client = `${peer}:${socket.remotePort}`;
    let said = false;
    const read = lineReader((message) => {
      // one hello per control connection; the client says nothing more
      if (said) throw new Error('a second message on the control connection');
      said = true;
      this.hello(socket, peer, client, message);
    }, MAX_CONTROL_LINE);
    socket.on('close', () => {
      if (this.running?.control === socket) this.abort(this.running, 'the client went away');
      for (const [cookie, test] of this.pending) {
        if (test.control !== socket) continue;
        this.pending.delete(cookie);
        for (const s of test.streams) s.socket.destroy();
      }
    });
    return (chunk) => {
      if (socket.destroyed) return;
      try {
        read(chunk);
      } catch (error) {
        const why =
          error instanceof LineTooLong
            ? `control line over ${error.limit} bytes`
            : error instanceof SyntaxError
              ? 'a control line that is not JSON'
              : error instanceof Error
                ? error.message
                : String(error);
        this.drop(socket, peer, why);
      }
    };
  }

  private hello(socket: Socket, peer: string, client: string, message: unknown): void {
    const token = this.options.token;
    const given = (message as { token?: unknown } | null)?.token;
    // the token first: a peer without it learns nothing about what else the server checks
    if (token !== undefined && !tokensMatch(token, typeof given === 'string' ? given : undefined)) {
      this.refuse(socket, peer, given === undefined ? 'this server needs a token' : 'wrong token', 'token');
      return;
    }
    let hello: Hello;
    try {
      hello = checkHello(message);
    } catch (error) {
      if (!(error instanceof HelloRefused)) throw error;
      this.refuse(socket, peer, error.message, error.code);
      return;
    }
    if (this.running) {
      this.refuse(socket, peer, 'server busy: another test is running', 'busy');
      return;
    }
    if (this.pending.has(hello.cookie)) {
      this.refuse(socket, peer, 'cookie already in use', 'invalid');
      return;
    }
    this.pending.set(hello.cookie, { hello, peer, client, control: socket, streams: [] });
    socket.write(encode({ ready: true }));
  }

  private data(socket: Socket, header: Buffer, counter: ReadCounter): void {
    const magic = header.subarray(0, DATA_MAGIC.length).toString('latin1');
    const cookie = header.subarray(DATA_MAGIC.length, DATA_HEADER_LENGTH - 1).toString('latin1');
    const test = magic === DATA_MAGIC ? this.pending.get(cookie) : undefined;
    if (!test || test.streams.length >= test.hello.streams) {
      socket.destroy();
      return;
    }
    test.streams.push({ socket, received: counter });
    // the stream now lives and dies with its test; the test's deadline restarts with each stream, so
    // a client opening many streams over a slow link is not cut off, and a stalled one still is
    this.deadline(socket, undefined);
    this.deadline(test.control, test.peer);
    if (test.streams.length < test.hello.streams) return;
    this.pending.delete(cookie);
    if (this.running) {
      this.refuse(test.control, test.peer, 'server busy: another test is running', 'busy');
      for (const s of test.streams) s.socket.destroy();
      return;
    }
    void this.run(test);
  }

  private async run(test: Test): Promise<void> {
    this.running = test;
    this.events.onTest?.(test.client, test.hello);
    this.deadline(test.control, undefined);
    // a stream that stalls is closed; and the test ends by its length plus that grace, whatever the
    // peer does (a sender trickling a byte now and then would otherwise keep the receiver forever)
    for (const s of test.streams) s.socket.setTimeout(this.idleMs, () => s.socket.destroy());
    const hardStop = setTimeout(
      () => {
        for (const s of test.streams) s.socket.destroy();
      },
      test.hello.seconds * 1000 + this.idleMs,
    );
    test.control.write(encode({ start: true }));
    try {
      const result = await runSession(test.streams, {
        role: test.hello.reverse ? 'sender' : 'receiver',
        seconds: test.hello.seconds,
        intervalSeconds: test.hello.intervalSeconds,
      });
      if (!test.control.destroyed) {
        test.control.end(encode({ result }));
        test.control.setTimeout(this.idleMs, () => test.control.destroy());
      }
      this.events.onResult?.(test.client, result);
    } catch (error) {
      this.abort(test, error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(hardStop);
      for (const s of test.streams) s.socket.destroy();
      if (this.running === test) this.running = undefined;
      // the result may still be on its way: the control connection closes by itself (or by its timeout)
      if (this.options.oneOff) this.close(test.control);
    }
  }

  private abort(test: Test, message: string): void {
    if (this.running !== test) return;
    this.running = undefined;
    for (const s of test.streams) s.socket.destroy();
    this.events.onError?.(test.client, message);
    if (this.options.oneOff) this.close();
  }
}
