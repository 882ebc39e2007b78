/**
 * `/metrics` in Prometheus' text format (prom-client), from what the recorder stored, read at scrape
 * time. Names follow Prometheus' conventions and mirror node_exporter / process-exporter under `hog_`
 * where they measure the same thing (node_memory_MemAvailable_bytes -> hog_memory_available_bytes,
 * node_filesystem_avail_bytes -> hog_filesystem_avail_bytes, node_network_receive_bytes_total...).
 * Cardinality is bounded: per-process series only for the latest tick's processes (top N + watched);
 * every metric is reset before it is filled, so a process that left the top N leaves /metrics too.
 * One scrape reads the store once (scrapeSnapshot), however many metrics it fills.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { latestHost, latestInterfaces } from '../store/serveQueries.js';
import * as api from './api.js';

/** Resolution of prom-client's nodejs_eventloop_lag_* histogram, ms. */
export const EVENT_LOOP_PRECISION_MS = 500;

interface Snapshot {
  host: ReturnType<typeof latestHost>;
  processes: ReturnType<typeof api.processes>['processes'];
  mounts: ReturnType<typeof api.disks>['mounts'];
  interfaces: ReturnType<typeof latestInterfaces>;
  findings: ReturnType<typeof api.findings>['findings'];
  now: number;
}

/** The store read once per scrape: `reset()` at the start of each, `get()` from every metric. */
function scrapeSnapshot(context: api.ApiContext): { get(): Snapshot; reset(): void } {
  let taken: Snapshot | undefined;
  return {
    reset: () => {
      taken = undefined;
    },
    get: () => {
      if (!taken) {
        const now = context.clock.now();
        taken = {
          host: latestHost(context.db),
          processes: api.processes(context).processes,
          // no points: an empty window
          mounts: api.disks(context, now, now).mounts,
          interfaces: latestInterfaces(context.db),
          findings: api.findings(context).findings,
          now,
        };
      }
      return taken;
    },
  };
}

/** What the server needs of /metrics. */
export interface MetricsEndpoint {
  contentType: string;
  scrape(): Promise<string>;
}

type Fill<L extends string> = (g: Gauge<L>, s: Snapshot) => void;

export function createMetrics(context: api.ApiContext): MetricsEndpoint {
  const registry = new Registry();
  // the event-loop lag histogram samples every 10 ms by default: ~4 ms of CPU a second, more than a
  // recorder tick; hog's own lag does not need that resolution
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_PRECISION_MS });
  const scrape = scrapeSnapshot(context);
  const snapshot = scrape.get;
  const gauge = <L extends string>(name: string, help: string, labelNames: L[], fill: Fill<L>) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill(this, snapshot());
      },
    });
  hostMetrics(gauge);
  processMetrics(gauge);
  filesystemMetrics(gauge);
  networkMetrics(gauge, registry, snapshot);
  recorderMetrics(gauge, registry, context);
  return {
    contentType: registry.contentType,
    scrape: () => {
      scrape.reset();
      return registry.metrics();
    },
  };
}

type GaugeMaker = <L extends string>(name: string, help: string, labelNames: L[], fill: Fill<L>) => Gauge<L>;

function hostMetrics(gauge: GaugeMaker): void {
  const fields = [
    ['hog_memory_total_bytes', 'MemTotal of /proc/meminfo', 'totalBytes'],
    ['hog_memory_available_bytes', 'MemAvailable of /proc/meminfo', 'availableBytes'],
    ['hog_swap_total_bytes', 'SwapTotal of /proc/meminfo', 'swapTotalBytes'],
    ['hog_swap_free_bytes', 'SwapFree of /proc/meminfo', 'swapFreeBytes'],
  ] as const;
  for (const [name, help, field] of fields) {
    gauge(name, help, [], (g, s) => {
      if (s.host) g.set(s.host[field]);
    });
  }
  gauge('hog_pressure_memory_some_avg10_ratio', 'memory pressure, some avg10, 0..1', [], (g, s) => {
    const some = s.host?.pressureSome10;
    if (some !== undefined && some !== null) g.set(some);
  });
}

function processMetrics(gauge: GaugeMaker): void {
  const labels = (p: { pid: number; name: string }) => ({ pid: String(p.pid), name: p.name });
  const per =
    (value: (p: Snapshot['processes'][number]) => number): Fill<'pid' | 'name'> =>
    (g, s) => {
      for (const p of s.processes) g.set(labels(p), value(p));
    };
  gauge(
    'hog_process_resident_memory_bytes',
    'RSS of the recorded processes (top N by RSS + watched PIDs)',
    ['pid', 'name'],
    per((p) => p.rssBytes),
  );
  gauge(
    'hog_process_memory_slope_bytes_per_second',
    "slope of the process's memory floor (the leak verdict's fit)",
    ['pid', 'name'],
    per((p) => p.verdict.slopeBytesPerSecond),
  );
  gauge(
    'hog_process_leak',
    '1 when the leak verdict is "leak", else 0',
    ['pid', 'name'],
    per((p) => (p.verdict.kind === 'leak' ? 1 : 0)),
  );
}

function filesystemMetrics(gauge: GaugeMaker): void {
  type L = 'mountpoint' | 'device' | 'fstype';
  const labelNames: L[] = ['mountpoint', 'device', 'fstype'];
  const per =
    (value: (m: Snapshot['mounts'][number], now: number) => number | undefined): Fill<L> =>
    (g, s) => {
      for (const m of s.mounts) {
        const v = value(m, s.now);
        if (v !== undefined) g.set({ mountpoint: m.mountpoint, device: m.device, fstype: m.fstype }, v);
      }
    };
  gauge(
    'hog_filesystem_size_bytes',
    'filesystem size (statfs)',
    labelNames,
    per((m) => m.sizeBytes),
  );
  gauge(
    'hog_filesystem_avail_bytes',
    'space available to unprivileged users (statfs f_bavail)',
    labelNames,
    per((m) => m.availBytes),
  );
  gauge(
    'hog_filesystem_files',
    'inodes (statfs f_files)',
    labelNames,
    per((m) => m.inodesTotal),
  );
  gauge(
    'hog_filesystem_files_free',
    'free inodes (statfs f_ffree)',
    labelNames,
    per((m) => m.inodesFree),
  );
  gauge(
    'hog_filesystem_fill_seconds',
    'seconds until full at the recorded fill rate (absent when not filling)',
    labelNames,
    per((m, now) => (m.fill?.fullAt != null ? Math.max(0, (m.fill.fullAt - now) / 1000) : undefined)),
  );
}

function networkMetrics(gauge: GaugeMaker, registry: Registry, snapshot: () => Snapshot): void {
  const counter = (name: string, help: string, field: 'rxBytes' | 'txBytes') =>
    new Counter<'device'>({
      name,
      help,
      labelNames: ['device'],
      registers: [registry],
      collect() {
        // /proc/net/dev's own cumulative counters, passed through
        this.reset();
        for (const i of snapshot().interfaces) this.inc({ device: i.name }, i[field]);
      },
    });
  counter('hog_network_receive_bytes_total', 'bytes received (/proc/net/dev)', 'rxBytes');
  counter('hog_network_transmit_bytes_total', 'bytes transmitted (/proc/net/dev)', 'txBytes');
  gauge(
    'hog_network_speed_bytes',
    'link speed, bytes per second (/sys/class/net/IF/speed)',
    ['device'],
    (g, s) => {
      for (const i of s.interfaces)
        if (i.speedBytesPerSecond !== null) g.set({ device: i.name }, i.speedBytesPerSecond);
    },
  );
}

function recorderMetrics(gauge: GaugeMaker, registry: Registry, context: api.ApiContext): void {
  gauge('hog_findings', 'doctor findings by severity', ['severity'], (g, s) => {
    const counts = { ok: 0, info: 0, warn: 0, crit: 0 };
    for (const f of s.findings) counts[f.severity]++;
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
}
