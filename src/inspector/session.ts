/**
 * One DevTools-protocol session over the inspector's WebSocket (Chrome DevTools Protocol, as Node.js
 * serves it): each request is a JSON text {id, method, params} and its reply carries the same id;
 * messages without an id are events (HeapProfiler.addHeapSnapshotChunk...). The WebSocket itself is
 * the `ws` package: it parses bytes another process sends, often to a root hog, so it is the
 * maintained, fuzzed implementation rather than hand-written framing.
 */
import WebSocket from 'ws';
import { HogError } from '../errors.js';

/** The largest message hog accepts: a snapshot chunk is ~100 KiB; replies hog asks for are small. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export type EventListener = (params: unknown) => void;

export class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, EventListener>();
  private closedWith: Error | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.receive(data.toString());
    });
    socket.on('error', (error) => this.end(error));
    socket.on('close', () => this.end(new Error('the inspector connection closed')));
  }

  /** Connect to ws://host:port/path; rejects after `timeoutMs` without a completed handshake. */
  static open(host: string, port: number, path: string, timeoutMs: number): Promise<InspectorSession> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://${host}:${port}${path}`, {
        handshakeTimeout: timeoutMs,
        maxPayload: MAX_MESSAGE_BYTES,
        perMessageDeflate: false,
        followRedirects: false,
      });
      const fail = (error: Error) => {
        socket.removeAllListeners();
        socket.on('error', () => undefined); // a late error of the dropped socket
        socket.terminate();
        reject(new Error(`no inspector WebSocket at ${host}:${port}: ${error.message}`));
      };
      socket.once('error', fail);
      socket.once('unexpected-response', (_request, response) =>
        fail(new Error(`HTTP ${response.statusCode} instead of a WebSocket upgrade`)),
      );
      socket.once('open', () => {
        socket.removeAllListeners();
        resolve(new InspectorSession(socket));
      });
    });
  }

  /** Call `listener` with the params of each `method` event (one listener per event). */
  on(method: string, listener: EventListener): void {
    this.listeners.set(method, listener);
  }

  /** Stop reading from the socket (backpressure: TCP then holds the target's io thread back). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  private receive(text: string): void {
    let message: { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message.id !== 'number') {
      if (typeof message.method === 'string') this.listeners.get(message.method)?.(message.params);
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    clearTimeout(waiting.timer);
    const error = message.error as { message?: unknown } | undefined;
    if (error)
      waiting.reject(new Error(typeof error.message === 'string' ? error.message : 'inspector error'));
    else waiting.resolve(message.result);
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
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Runtime.evaluate of `expression` in the target, returning its value (returnByValue). */
  async evaluate(expression: string, timeoutMs: number, commandLineApi = false): Promise<unknown> {
    const reply = (await this.call(
      'Runtime.evaluate',
      { expression, returnByValue: true, silent: true, includeCommandLineAPI: commandLineApi },
      timeoutMs,
    )) as { result?: { value?: unknown }; exceptionDetails?: { text?: string } };
    if (reply.exceptionDetails) {
      // hog's own expression failed in the target: a failure of hog (exit 4), said as such
      throw new HogError(`evaluation failed: ${reply.exceptionDetails.text ?? '?'}`);
    }
    return reply.result?.value;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Say goodbye (a close frame, code 1000) and drop the connection once the peer answers or soon after. */
  close(): Promise<void> {
    if (this.closedWith) return Promise.resolve();
    this.end(new Error('closed by hog'), false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 1000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close(1000);
    });
  }

  private end(error: Error, terminate = true): void {
    if (this.closedWith) return;
    this.closedWith = error;
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
      this.pending.delete(id);
    }
    if (terminate) this.socket.terminate();
  }
}
