/**
 * `/metrics` in Prometheus' text format (prom-client), from what the recorder stored, read at scrape
 * time. Names follow Prometheus' conventions and mirror node_exporter / process-exporter under `hog_`
 * where they measure the same thing (node_memory_MemAvailable_bytes -> hog_memory_available_bytes,
 * node_filesystem_avail_bytes -> hog_filesystem_avail_bytes, node_network_receive_bytes_total...).
 * Cardinality is bounded: per-process series only for the latest tick's processes (top N + watched);
 * every gauge is reset before it is filled, so a process that left the top N leaves /metrics too.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { latestHost, latestInterfaces } from '../store/serveQueries.js';
import * as api from './api.js';

/** Resolution of prom-client's nodejs_eventloop_lag_* histogram, ms. */
export const EVENT_LOOP_PRECISION_MS = 500;

export function createMetrics(context: api.ApiContext): Registry {
  const registry = new Registry();
  // the event-loop lag histogram samples every 10 ms by default: ~4 ms of CPU a second, more than a
  // recorder tick; hog's own lag does not need that resolution
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_PRECISION_MS });
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    fill: (g: Gauge<L>) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill(this);
      },
    });

  gauge('hog_memory_total_bytes', 'MemTotal of /proc/meminfo', [], (g) =>
    hostValue(context, g, 'totalBytes'),
  );
  gauge('hog_memory_available_bytes', 'MemAvailable of /proc/meminfo', [], (g) =>
    hostValue(context, g, 'availableBytes'),
  );
  gauge('hog_swap_total_bytes', 'SwapTotal of /proc/meminfo', [], (g) =>
    hostValue(context, g, 'swapTotalBytes'),
  );
  gauge('hog_swap_free_bytes', 'SwapFree of /proc/meminfo', [], (g) =>
    hostValue(context, g, 'swapFreeBytes'),
  );
  gauge('hog_pressure_memory_some_avg10_ratio', 'memory pressure, some avg10, 0..1', [], (g) => {
    const some = latestHost(context.db)?.pressureSome10;
    if (some !== undefined && some !== null) g.set(some);
  });

  const procLabels: ('pid' | 'name')[] = ['pid', 'name'];
  const perProcess =
    (fill: (g: Gauge<'pid' | 'name'>, p: ReturnType<typeof api.processes>['processes'][number]) => void) =>
    (g: Gauge<'pid' | 'name'>) => {
      for (const p of api.processes(context).processes) fill(g, p);
    };
  const labels = (p: { pid: number; name: string }) => ({ pid: String(p.pid), name: p.name });
  gauge(
    'hog_process_resident_memory_bytes',
    'RSS of the recorded processes (top N + watched)',
    procLabels,
    perProcess((g, p) => g.set(labels(p), p.rssBytes)),
  );
  gauge(
    'hog_process_memory_slope_bytes_per_second',
    "slope of the process's memory floor (leak verdict's fit)",
    procLabels,
    perProcess((g, p) => g.set(labels(p), p.verdict.slopeBytesPerSecond)),
  );
  gauge(
    'hog_process_leak',
    '1 when the leak verdict is "leak", else 0',
    procLabels,
    perProcess((g, p) => g.set(labels(p), p.verdict.kind === 'leak' ? 1 : 0)),
  );

  const fsLabels: ('mountpoint' | 'device' | 'fstype')[] = ['mountpoint', 'device', 'fstype'];
  type Mount = ReturnType<typeof api.disks>['mounts'][number];
  const perMount =
    (fill: (g: Gauge<'mountpoint' | 'device' | 'fstype'>, m: Mount, l: Record<string, string>) => void) =>
    (g: Gauge<'mountpoint' | 'device' | 'fstype'>) => {
      const now = context.clock.now();
      // no points needed: an empty window
      for (const m of api.disks(context, now, now).mounts)
        fill(g, m, { mountpoint: m.mountpoint, device: m.device, fstype: m.fstype });
    };
  gauge(
    'hog_filesystem_size_bytes',
    'filesystem size (statfs)',
    fsLabels,
    perMount((g, m, l) => g.set(l, m.sizeBytes)),
  );
  gauge(
    'hog_filesystem_avail_bytes',
    'space available to unprivileged users (statfs f_bavail)',
    fsLabels,
    perMount((g, m, l) => g.set(l, m.availBytes)),
  );
  gauge(
    'hog_filesystem_files',
    'inodes (statfs f_files)',
    fsLabels,
    perMount((g, m, l) => g.set(l, m.inodesTotal)),
  );
  gauge(
    'hog_filesystem_files_free',
    'free inodes (statfs f_ffree)',
    fsLabels,
    perMount((g, m, l) => g.set(l, m.inodesFree)),
  );
  gauge(
    'hog_filesystem_fill_seconds',
    'seconds until full at the recorded fill rate (absent when not filling)',
    fsLabels,
    perMount((g, m, l) => {
      if (m.fill?.fullAt != null) g.set(l, Math.max(0, (m.fill.fullAt - context.clock.now()) / 1000));
    }),
  );

  const counter = (name: string, help: string, field: 'rxBytes' | 'txBytes') =>
    new Counter<'device'>({
      name,
      help,
      labelNames: ['device'],
      registers: [registry],
      collect() {
        // /proc/net/dev's own cumulative counters, passed through
        this.reset();
        for (const i of latestInterfaceCounters(context)) this.inc({ device: i.name }, i[field]);
      },
    });
  counter('hog_network_receive_bytes_total', 'bytes received (/proc/net/dev)', 'rxBytes');
  counter('hog_network_transmit_bytes_total', 'bytes transmitted (/proc/net/dev)', 'txBytes');
  gauge(
    'hog_network_speed_bytes',
    'link speed in bytes per second (/sys/class/net/IF/speed)',
    ['device'],
    (g) => {
      for (const i of latestInterfaceCounters(context))
        if (i.speedBytesPerSecond !== null) g.set({ device: i.name }, i.speedBytesPerSecond);
    },
  );

  gauge('hog_findings', 'doctor findings by severity', ['severity'], (g) => {
    const counts = { ok: 0, info: 0, warn: 0, crit: 0 };
    for (const f of api.findings(context).findings) counts[f.severity]++;
    for (const [severity, n] of Object.entries(counts)) g.set({ severity }, n);
  });
  new Counter({
    name: 'hog_recorder_ticks_total',
    help: 'ticks recorded since hog serve started',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(context.status.ticks);
    },
  });
  gauge('hog_recorder_paused', '1 while recording is paused (no space for the store)', [], (g) =>
    g.set(context.status.paused === null ? 0 : 1),
  );
  return registry;
}

function hostValue(
  context: api.ApiContext,
  g: Gauge<string>,
  field: 'totalBytes' | 'availableBytes' | 'swapTotalBytes' | 'swapFreeBytes',
): void {
  const host = latestHost(context.db);
  if (host) g.set(host[field]);
}

function latestInterfaceCounters(context: api.ApiContext) {
  return latestInterfaces(context.db);
}
