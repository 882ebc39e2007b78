/**
 * A client of the V8 inspector protocol (Chrome DevTools Protocol) as Node.js serves it on 127.0.0.1:
 * GET /json/list names the targets and their WebSocket path; over that WebSocket, each request is a
 * JSON text {id, method, params} and its reply carries the same id. Only what hog needs: list, connect,
 * call, close. Frames are webSocketFrames.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import {
  encodeClientFrame,
  FrameReader,
  OPCODE_CLOSE,
  OPCODE_PING,
  OPCODE_PONG,
  OPCODE_TEXT,
} from './webSocketFrames.js';

export interface InspectorTarget {
  type: string;
  title: string;
  /** ws://127.0.0.1:9229/<uuid> */
  webSocketDebuggerUrl: string;
}

/** The inspector's targets on a port, or undefined when nothing there answers like an inspector. */
export function listInspectorTargets(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<InspectorTarget[] | undefined> {
  return new Promise((resolve) => {
    const request = get({ host, port, path: '/json/list', timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 1024 * 1024) request.destroy();
      });
      response.on('end', () => {
        try {
          const list: unknown = JSON.parse(body);
          resolve(
            Array.isArray(list)
              ? list.filter(
                  (t): t is InspectorTarget =>
                    typeof t === 'object' && t !== null && typeof t.webSocketDebuggerUrl === 'string',
                )
              : undefined,
          );
        } catch {
          resolve(undefined);
        }
      });
      response.on('error', () => resolve(undefined));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class InspectorConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedWith: Error | undefined;

  private constructor(private readonly socket: Socket) {}

  /** Open the WebSocket at ws://host:port/path (the handshake of RFC 6455 section 4). */
  static open(host: string, port: number, path: string, timeoutMs: number): Promise<InspectorConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const key = randomBytes(16).toString('base64');
      const expected = createHash('sha1')
        .update(key + WEBSOCKET_GUID)
        .digest('base64');
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new Error(`no WebSocket handshake from ${host}:${port} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          if (head.length > 16 * 1024) fail(new Error('WebSocket handshake reply too long'));
          return;
        }
        socket.removeListener('data', onData);
        socket.removeListener('error', fail);
        clearTimeout(timer);
        const lines = head.subarray(0, end).toString('latin1').split('\r\n');
        const accept = lines
          .find((l) => /^sec-websocket-accept:/i.test(l))
          ?.replace(/^[^:]*:\s*/, '')
          .trim();
        if (!/^HTTP\/1\.1 101\b/.test(lines[0] ?? '') || accept !== expected) {
          socket.destroy();
          reject(new Error(`not a WebSocket upgrade: ${lines[0] ?? '(no reply)'}`));
          return;
        }
        const connection = new InspectorConnection(socket);
        connection.listen(head.subarray(end + 4));
        resolve(connection);
      };
      socket.on('data', onData);
      socket.on('error', fail);
      socket.on('connect', () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
    });
  }

  private listen(rest: Buffer): void {
    const reader = new FrameReader();
    const onBytes = (bytes: Buffer) => {
      let frames: ReturnType<FrameReader['push']>;
      try {
        frames = reader.push(bytes);
      } catch (error) {
        this.end(error as Error);
        return;
      }
      for (const frame of frames) {
        if (frame.opcode === OPCODE_TEXT) this.receive(frame.payload.toString('utf8'));
        else if (frame.opcode === OPCODE_PING) this.send(OPCODE_PONG, frame.payload);
        else if (frame.opcode === OPCODE_CLOSE) this.end(new Error('the inspector closed the connection'));
      }
    };
    this.socket.on('data', onBytes);
    this.socket.on('error', (error) => this.end(error));
    this.socket.on('close', () => this.end(new Error('the inspector connection closed')));
    if (rest.length > 0) onBytes(rest);
  }

  private receive(text: string): void {
    let message: { id?: unknown; result?: unknown; error?: { message?: string } };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message.id !== 'number') return; // an event: hog enables no domains, so none expected
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.error) waiting.reject(new Error(message.error.message ?? 'inspector error'));
    else waiting.resolve(message.result);
  }

  private send(opcode: number, payload: Buffer): void {
    if (!this.closedWith) this.socket.write(encodeClientFrame(opcode, payload, randomBytes(4)));
  }

  /** Call a protocol method; its `result`, or an error (the inspector's, a timeout, a closed socket). */
  call(method: string, params: object, timeoutMs: number): Promise<unknown> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no reply in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.send(OPCODE_TEXT, Buffer.from(JSON.stringify({ id, method, params })));
    });
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Say goodbye (a close frame) and drop the connection. */
  close(): void {
    if (this.closedWith) return;
    this.send(OPCODE_CLOSE, Buffer.from([0x03, 0xe8])); // 1000: normal closure
    this.end(new Error('closed by hog'), false);
    this.socket.end(); // flushes the close frame, then closes
  }

  private end(error: Error, destroy = true): void {
    if (this.closedWith) return;
    this.closedWith = error;
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
      this.pending.delete(id);
    }
    if (destroy) this.socket.destroy();
  }
}
