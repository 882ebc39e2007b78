/**
 * A real `hog serve` for the deploy tests (alert rules, dashboard, Prometheus): started on a free
 * loopback port with its own database, read through /metrics, always killed. Also the metric names a
 * PromQL expression reads, to check the shipped rules and dashboard against what hog really exports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningHog, startHog } from '../helpers/hog.js';
import { waitFor } from '../helpers/processes.js';

export interface Serve {
  hog: RunningHog;
  url: string;
  db: string;
  stop(): Promise<void>;
}

/**
 * Start `hog serve --port 0` and wait for its start line (the real port is in it). Its database is a
 * fresh one in a temp dir removed by stop(), or `options.db` (the caller's, kept).
 */
export async function startServe(
  extra: string[] = [],
  options: { interval?: string; db?: string } = {},
): Promise<Serve> {
  const dir = options.db === undefined ? mkdtempSync(join(tmpdir(), `hog-serve-deploy-${process.pid}-`)) : '';
  const db = options.db ?? join(dir, 'serve.db');
  const hog = startHog([
    'serve',
    '--port',
    '0',
    '--db',
    db,
    '--interval',
    options.interval ?? '1s',
    ...extra,
  ]);
  const stop = async () => {
    if (hog.child.exitCode === null && hog.child.signalCode === null) hog.child.kill('SIGKILL');
    await hog.done;
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = await waitFor(
      () => {
        if (hog.child.exitCode !== null)
          throw new Error(`hog serve exited ${hog.child.exitCode}: ${hog.stderr()}`);
        return /hog serve: (http:\/\/127\.0\.0\.1:\d+)\//.exec(`${hog.stdout()}${hog.stderr()}`)?.[1];
      },
      'the start line of hog serve',
      20_000,
    );
    return { hog, url, db, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** GET a path of the server as text; throws on a status other than 200. */
export async function getText(serve: Serve, path: string): Promise<string> {
  const response = await fetch(`${serve.url}${path}`, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${text}`);
  return text;
}

/** /metrics once the recorder has ticked `ticks` times (so per-tick series are filled). */
export async function metricsAfterTicks(serve: Serve, ticks: number): Promise<string> {
  return waitFor(
    async () => {
      const text = await getText(serve, '/metrics');
      const value = Number(/^hog_recorder_ticks_total(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1] ?? 0);
      return value >= ticks ? text : undefined;
    },
    `${ticks} recorder ticks in /metrics`,
    30_000,
    250,
  );
}

/** The metric families declared in Prometheus text format (`# TYPE name type`), name -> type. */
export function declaredMetrics(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1] as string, m[2] as string]));
}

/**
 * The metric names a PromQL expression reads: identifiers outside label matchers, strings and
 * by/on/ignoring/group_* label lists, that name hog's series or prom-client's process_* ones.
 */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\{?\w+\}?/g, '');
  return [...new Set([...bare.matchAll(/\b(?:hog|process)_[a-z0-9_]+\b/g)].map((m) => m[0]))];
}

/** Metric names read through rate()/irate()/increase(): these must be counters. */
export function countersIn(expr: string): string[] {
  return [...expr.matchAll(/\b(?:rate|irate|increase)\(\s*([a-z_:][a-z0-9_:]*)/g)].map((m) => m[1] as string);
}
