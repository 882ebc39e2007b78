/**
 * The event stream (server-sent events): after each recorder tick every client gets
 * `event: sample` with `data: {"t": T}` and refetches what it shows. A comment line every
 * HEARTBEAT_MS keeps proxies from closing an idle stream. At most MAX_CLIENTS streams at once: each
 * holds a socket open for as long as its page is.
 */
import type { ServerResponse } from 'node:http';
import { HttpError } from './httpError.js';

export const MAX_CLIENTS = 64;
export const HEARTBEAT_MS = 15_000;

export class EventStreams {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly maxClients = MAX_CLIENTS) {
    this.heartbeat = setInterval(() => this.send(': keep-alive\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  open(res: ServerResponse): void {
    if (this.clients.size >= this.maxClients)
      throw new HttpError(503, `too many event streams open (${this.maxClients})`);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 5000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  sample(t: number): void {
    this.send(`event: sample\ndata: ${JSON.stringify({ t })}\n\n`);
  }

  private send(text: string): void {
    for (const res of this.clients) res.write(text);
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
