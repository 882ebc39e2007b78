/**
 * The HTTP side of `hog serve` (node:http): the JSON API, the event stream, /metrics and the
 * dashboard's files. Read-only: GET and HEAD only, no request body accepted. Every input is bounded
 * (header bytes, URL length, parameter count, time to send the headers and the request), every error is
 * `{"error": "..."}` with its status and never a stack. When a token is in force (any non-loopback
 * --host) every route but the static files needs it; without one (loopback), the Host header must name
 * loopback, so a page of another site cannot reach the API through DNS rebinding.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as api from '../api.js';
import type { MetricsEndpoint } from '../metrics.js';
import { bearerToken, isLoopbackHost, tokenMatches } from './auth.js';
import type { EventStreams } from './events.js';
import { HttpError } from './httpError.js';
import { oneOf, parsePidParam, timeWindow } from './params.js';
import { NO_DASHBOARD, readStatic } from './staticFiles.js';

export const LIMITS = {
  /** Request line + headers, bytes (Node answers 431 beyond). */
  headerBytes: 8 * 1024,
  urlBytes: 2048,
  queryParams: 16,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  connections: 256,
};

export interface ServerOptions {
  host: string;
  port: number;
  /** In force when set: every route but the static files needs it. */
  token: string | undefined;
  openMetrics: boolean;
  webDir: string;
  api: api.ApiContext;
  metrics: MetricsEndpoint;
  events: EventStreams;
  log: (line: string) => void;
  /** Tests shorten these to see a slow client cut off without waiting ten seconds. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function sendJson(res: ServerResponse, status: number, value: unknown, head = false): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : body);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const headersTimeout = options.headersTimeoutMs ?? LIMITS.headersTimeoutMs;
  const server = createServer(
    {
      maxHeaderSize: LIMITS.headerBytes,
      headersTimeout,
      requestTimeout: Math.max(options.requestTimeoutMs ?? LIMITS.requestTimeoutMs, headersTimeout),
      keepAliveTimeout: LIMITS.keepAliveTimeoutMs,
      // how often Node looks for requests past their timeouts (default 30 s)
      connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(headersTimeout / 4))),
    },
    (req, res) => {
      try {
        handle(req, res, options);
      } catch (error) {
        fail(res, error, options.log);
      }
    },
  );
  server.maxConnections = LIMITS.connections;
  server.on('clientError', (error: Error & { code?: string }, socket) => {
    // malformed requests, oversized headers, slow clients: a short answer when the socket still takes
    // one, then close
    if (!socket.writable || socket.destroyed || error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      socket.destroy();
      return;
    }
    const tooBig = error.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify({ error: tooBig ? 'request headers too large' : 'malformed request' });
    socket.end(
      `HTTP/1.1 ${tooBig ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nconnection: close\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        options.events.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function fail(res: ServerResponse, error: unknown, log: (line: string) => void): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) {
    if (error.status === 401) res.setHeader('www-authenticate', 'Bearer realm="hog"');
    sendJson(res, error.status, { error: error.message });
    return;
  }
  log(`hog serve: internal error answering a request: ${(error as Error).message}`);
  sendJson(res, 500, { error: 'internal error' });
}

function handle(req: IncomingMessage, res: ServerResponse, options: ServerOptions): void {
  const rawUrl = req.url ?? '/';
  if (rawUrl.length > LIMITS.urlBytes) throw new HttpError(414, `URL longer than ${LIMITS.urlBytes} bytes`);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    throw new HttpError(405, `method ${String(req.method).slice(0, 16)} not allowed: this API is read-only`);
  }
  if (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0) {
    res.setHeader('connection', 'close');
    throw new HttpError(413, 'request bodies are not accepted');
  }
  if (!options.token && !isLoopbackHost(hostOf(req.headers.host))) {
    throw new HttpError(400, 'the Host header must name a loopback address (hog serve is bound to loopback)');
  }
  let url: URL;
  try {
    url = new URL(rawUrl, 'http://hog.invalid');
  } catch {
    throw new HttpError(400, 'malformed URL');
  }
  if ([...url.searchParams.keys()].length > LIMITS.queryParams)
    throw new HttpError(400, `more than ${LIMITS.queryParams} query parameters`);
  const path = url.pathname;
  const head = req.method === 'HEAD';
  if (path === '/' || path === '/index.html' || path.startsWith('/assets/')) {
    serveStatic(res, options.webDir, rawUrl.split('?')[0] as string, head);
    return;
  }
  authorize(req, url, options);
  const value = route(res, url, options, head);
  if (value !== undefined) sendJson(res, 200, value, head);
}

/** The host part of a Host header ("127.0.0.1:7070", "[::1]:7070", "localhost"). */
function hostOf(header: string | undefined): string {
  if (!header) return '';
  if (header.startsWith('[')) return header.slice(0, header.indexOf(']') + 1);
  return header.replace(/:\d*$/, '');
}

function authorize(req: IncomingMessage, url: URL, options: ServerOptions): void {
  if (!options.token) return;
  if (url.pathname === '/metrics' && options.openMetrics) return;
  const given =
    bearerToken(req.headers.authorization) ??
    (url.pathname === '/api/v1/events' ? (url.searchParams.get('token') ?? undefined) : undefined);
  if (!tokenMatches(given, options.token)) {
    throw new HttpError(401, 'a token is required: send Authorization: Bearer TOKEN');
  }
}

function serveStatic(res: ServerResponse, webDir: string, urlPath: string, head: boolean): void {
  let file: { body: Buffer; type: string };
  try {
    file = readStatic(webDir, urlPath);
  } catch (error) {
    if (urlPath !== '/' && urlPath !== '/index.html') throw error;
    file = { body: Buffer.from(NO_DASHBOARD), type: 'text/html; charset=utf-8' };
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': file.type,
    'content-length': file.body.length,
    'content-security-policy':
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    'cache-control': urlPath.startsWith('/assets/') ? 'public, max-age=3600' : 'no-cache',
  });
  res.end(head ? undefined : file.body);
}

const PROCESS_SERIES = /^\/api\/v1\/processes\/([^/]+)\/series$/;

/** The value a JSON route answers with, or undefined when the route answered itself (stream, text). */
function route(res: ServerResponse, url: URL, options: ServerOptions, head: boolean): unknown {
  const c = options.api;
  const q = url.searchParams;
  const now = () => c.clock.now();
  const path = url.pathname;
  switch (path) {
    case '/api/v1/host':
      return api.host(c);
    case '/api/v1/host/series': {
      const metric = oneOf('metric', q.get('metric'), Object.keys(api.HOST_METRICS) as api.HostMetric[]);
      const { from, to } = timeWindow(q, now());
      return api.hostSeries(c, metric, from, to);
    }
    case '/api/v1/processes':
      return api.processes(c);
    case '/api/v1/disks': {
      const { from, to } = timeWindow(q, now());
      return api.disks(c, from, to);
    }
    case '/api/v1/net': {
      const { from, to } = timeWindow(q, now());
      return api.net(c, from, to);
    }
    case '/api/v1/findings':
      return api.findings(c);
    case '/api/v1/events':
      options.events.open(res);
      return undefined;
    case '/metrics':
      void metrics(res, options, head);
      return undefined;
  }
  const series = PROCESS_SERIES.exec(path);
  if (series) {
    const pid = parsePidParam(series[1] as string);
    const { from, to } = timeWindow(q, now());
    return api.processSeries(c, pid, from, to);
  }
  throw new HttpError(404, `no such route: ${path.slice(0, 100)}`);
}

async function metrics(res: ServerResponse, options: ServerOptions, head: boolean): Promise<void> {
  try {
    const text = await options.metrics.scrape();
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': options.metrics.contentType,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(head ? undefined : text);
  } catch (error) {
    fail(res, error, options.log);
  }
}
