/** An in-process hog serve over a temporary store, for the HTTP tests: no recorder loop, known ticks. */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../../src/clock.js';
import type { ApiContext } from '../../src/serve/api.js';
import { EventStreams } from '../../src/serve/http/events.js';
import { type RunningServer, type ServerOptions, startServer } from '../../src/serve/http/server.js';
import { createMetrics } from '../../src/serve/metrics.js';
import { ServeWriter } from '../../src/store/serveWriter.js';
import { Store } from '../../src/store/store.js';

export interface Harness {
  server: RunningServer;
  api: ApiContext;
  writer: ServeWriter;
  clock: ReturnType<typeof manualClock>;
  events: EventStreams;
  dir: string;
  close(): Promise<void>;
}

export async function startHarness(
  options: Partial<ServerOptions> = {},
  start = Date.UTC(2030, 0, 1),
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), `hog-serve-http-${process.pid}-`));
  const store = Store.openForWriting(join(dir, 'hog.db'));
  const db = store.connection();
  const clock = manualClock(start);
  const api: ApiContext = {
    db,
    dbPath: join(dir, 'hog.db'),
    clock,
    procRoot: '/proc',
    status: { intervalMs: 1000, since: start, ticks: 0, paused: null, lastTick: null },
  };
  const events = new EventStreams();
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    token: undefined,
    openMetrics: false,
    webDir: join(dir, 'web'),
    api,
    metrics: createMetrics(api),
    events,
    log: () => {},
    ...options,
  });
  return {
    server,
    api,
    writer: new ServeWriter(db),
    clock,
    events,
    dir,
    async close() {
      await server.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One GET (or another method) with the given headers; the raw path is sent as it is. */
export function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

export function json(answer: Pick<Answer, 'body'>): unknown {
  return JSON.parse(answer.body);
}
