/**
 * The JSON API of `hog serve` (docs/api.md), as values: each function answers one route from the
 * store. The dashboard's only data source; /metrics reads the same functions.
 */
import { statSync } from 'node:fs';
import { availableParallelism, hostname, release } from 'node:os';
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import { fillRate, WINDOW_SECONDS } from '../disk/fillRate.js';
import { judge } from '../memory/verdict.js';
import { readUptime } from '../proc/uptime.js';
import {
  latestConnections,
  latestFindings,
  latestHost,
  latestInterfaces,
  latestMounts,
  latestProcesses,
  mountUsage,
  processByPid,
} from '../store/serveQueries.js';
import { latestScans } from '../store/serveScans.js';
import { seriesPoints } from '../store/serveSeries.js';
import { HttpError } from './http/httpError.js';
import type { RecorderStatus } from './recorder.js';
import { INSUFFICIENT, type ServeVerdict } from './verdicts.js';

export interface ApiContext {
  db: Database.Database;
  dbPath: string;
  clock: Clock;
  procRoot: string;
  status: RecorderStatus;
}

/** Points per series at most: enough for a chart as wide as a screen. */
export const MAX_POINTS = 1000;
/** Points per mount or interface in the overview lists. */
export const LIST_POINTS = 300;
/** Points of used space the fill rate is fitted on. */
export const FILL_POINTS = 360;

export const HOST_METRICS = {
  available: { expr: 'mem_available', unit: 'bytes' },
  swap_used: { expr: 'swap_total - swap_free', unit: 'bytes' },
  pressure_some: { expr: 'psi_some10', unit: 'ratio' },
} as const;
export type HostMetric = keyof typeof HOST_METRICS;

function dbBytes(path: string): number {
  let total = 0;
  for (const file of [path, `${path}-wal`]) total += statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  return total;
}

export function host(c: ApiContext) {
  const h = latestHost(c.db);
  return {
    t: h?.t ?? null,
    hostname: hostname(),
    kernel: release(),
    uptimeSeconds: readUptime(c.procRoot).uptimeSeconds,
    cpuCount: availableParallelism(),
    load: h?.load ?? null,
    memory: h
      ? {
          totalBytes: h.totalBytes,
          availableBytes: h.availableBytes,
          swapTotalBytes: h.swapTotalBytes,
          swapFreeBytes: h.swapFreeBytes,
        }
      : null,
    pressure:
      h && h.pressureSome10 !== null
        ? { memorySomeAvg10: h.pressureSome10, memoryFullAvg10: h.pressureFull10 }
        : null,
    recording: {
      intervalMs: c.status.intervalMs,
      since: c.status.since,
      dbBytes: dbBytes(c.dbPath),
      paused: c.status.paused,
    },
  };
}

export function hostSeries(c: ApiContext, metric: HostMetric, from: number, to: number) {
  const { expr, unit } = HOST_METRICS[metric];
  const points = seriesPoints(c.db, { table: 'serve_host', values: [expr], from, to, maxPoints: MAX_POINTS });
  return { metric, unit, points: points.filter((p) => p[1] !== null) };
}

function verdictOf(stored: unknown) {
  const v = (stored ?? INSUFFICIENT) as ServeVerdict;
  return { kind: v.kind, slopeBytesPerSecond: v.slopeBytesPerSecond, text: v.text };
}

export function processes(c: ApiContext) {
  const { t, processes: list } = latestProcesses(c.db);
  return {
    t,
    processes: list.map((p) => ({
      pid: p.pid,
      startTicks: p.startTicks,
      name: p.name,
      command: p.command,
      rssBytes: p.rssBytes,
      swapBytes: p.swapBytes,
      isNode: p.isNode,
      verdict: verdictOf(p.verdict),
    })),
  };
}

export function processSeries(c: ApiContext, pid: number, from: number, to: number) {
  const p = processByPid(c.db, pid);
  if (!p) throw new HttpError(404, `PID ${pid} was never recorded`);
  const points = seriesPoints(c.db, {
    table: 'serve_process_sample',
    values: ['rss'],
    key: { column: 'process_id', id: p.id },
    from,
    to,
    maxPoints: MAX_POINTS,
  });
  const fit = judge(points.map(([t, bytes]) => ({ t: t as number, bytes: bytes as number }))).fit;
  return {
    pid: p.pid,
    startTicks: p.startTicks,
    name: p.name,
    command: p.command,
    points,
    trend: fit
      ? {
          slopeBytesPerSecond: fit.slopeBytesPerMinute / 60,
          interceptBytes: fit.startBytes,
          from: fit.fromMs,
          to: fit.toMs,
        }
      : null,
    verdict: verdictOf(p.verdict),
  };
}

export function disks(c: ApiContext, from: number, to: number) {
  const now = c.clock.now();
  const latest = latestMounts(c.db);
  const mounts = latest.map((m) => {
    // minute averages over the fill window: the same least-squares slope, a few hundred rows
    const usage = mountUsage(c.db, m.mountpoint, now - WINDOW_SECONDS * 1000, now, FILL_POINTS);
    const rate = fillRate(usage, m.availBytes, now);
    return {
      mountpoint: m.mountpoint,
      device: m.device,
      fstype: m.fstype,
      sizeBytes: m.sizeBytes,
      usedBytes: m.usedBytes,
      availBytes: m.availBytes,
      inodesTotal: m.inodesTotal,
      inodesFree: m.inodesFree,
      fill:
        rate.kind === 'unknown'
          ? null
          : {
              bytesPerSecond: rate.bytesPerSecond,
              fullAt: rate.kind === 'filling' ? Math.round(now + rate.etaSeconds * 1000) : null,
            },
      points: seriesPoints(c.db, {
        table: 'serve_fs_sample',
        values: ['used'],
        key: { column: 'mount_id', id: m.id },
        from,
        to,
        maxPoints: LIST_POINTS,
      }),
    };
  });
  return { t: latest[0]?.t ?? 0, mounts, ...scansOf(c) };
}

/** The newest scan (of any root) with its tree and categories, and the newest of each root in brief. */
function scansOf(c: ApiContext) {
  const scans = latestScans(c.db);
  const [newest] = scans;
  return {
    lastScan: newest
      ? {
          root: newest.root,
          t: newest.t,
          durationMs: newest.durationMs,
          bytes: newest.bytes,
          entries: newest.entries,
          tree: newest.tree,
          categories: newest.categories,
        }
      : null,
    scans: scans.map((s) => ({ root: s.root, t: s.t, bytes: s.bytes })),
  };
}

export function net(c: ApiContext, from: number, to: number) {
  const interfaces = latestInterfaces(c.db);
  return {
    t: interfaces[0]?.t ?? 0,
    interfaces: interfaces.map((i) => ({
      name: i.name,
      rxBytesPerSecond: i.rxBytesPerSecond,
      txBytesPerSecond: i.txBytesPerSecond,
      speedBytesPerSecond: i.speedBytesPerSecond,
      points: seriesPoints(c.db, {
        table: 'serve_net_sample',
        values: ['rx_rate', 'tx_rate'],
        key: { column: 'interface_id', id: i.id },
        from,
        to,
        maxPoints: LIST_POINTS,
      }),
    })),
    connections: latestConnections(c.db),
  };
}

export function findings(c: ApiContext) {
  return latestFindings(c.db);
}
