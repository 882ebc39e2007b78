/**
 * The JSON the dashboard reads, as docs/api.md describes it (the server's side: src/serve/api.ts).
 * Times are milliseconds since the epoch, sizes bytes, rates bytes per second. These are the wire
 * types only: the dashboard never reads anything else.
 */

export type VerdictKind = 'leak' | 'growing' | 'steady' | 'insufficient';

export interface WireVerdict {
  kind: VerdictKind;
  slopeBytesPerSecond: number | null;
  text: string;
}

/** `t`, `load` and `memory` are null before the recorder's first tick. */
export interface HostInfo {
  t: number | null;
  hostname: string;
  kernel: string;
  uptimeSeconds: number;
  cpuCount: number;
  load: [number, number, number] | null;
  memory: {
    totalBytes: number;
    availableBytes: number;
    swapTotalBytes: number;
    swapFreeBytes: number;
  } | null;
  /** PSI avg10 as ratios 0..1 (the kernel's percent / 100); null without PSI. */
  pressure: { memorySomeAvg10: number; memoryFullAvg10: number } | null;
  recording: { intervalMs: number; since: number; dbBytes: number; paused: string | null };
}

export type HostMetric = 'available' | 'swap_used' | 'pressure_some';

export interface HostSeries {
  metric: HostMetric;
  unit: 'bytes' | 'ratio';
  points: [number, number][];
}

export interface ProcessRow {
  pid: number;
  startTicks: number;
  name: string;
  command: string;
  rssBytes: number;
  swapBytes: number;
  isNode: boolean;
  verdict: WireVerdict;
}

export interface ProcessList {
  t: number;
  processes: ProcessRow[];
}

export interface Trend {
  slopeBytesPerSecond: number;
  interceptBytes: number;
  from: number;
  to: number;
}

export interface ProcessSeries {
  pid: number;
  startTicks: number;
  name: string;
  command: string;
  points: [number, number][];
  trend: Trend | null;
  verdict: WireVerdict;
}

export interface Fill {
  bytesPerSecond: number;
  fullAt: number | null;
}

export interface Mount {
  mountpoint: string;
  device: string;
  fstype: string;
  sizeBytes: number;
  usedBytes: number;
  availBytes: number;
  inodesTotal: number;
  inodesFree: number;
  fill: Fill | null;
  points: [number, number][];
}

export interface ScanNode {
  name: string;
  bytes: number;
  children?: ScanNode[];
}

export interface DiskReport {
  t: number;
  mounts: Mount[];
  lastScan: LastScan | null;
  scans: { root: string; t: number; bytes: number }[];
}

/** The newest scan of `hog serve --scan DIR` (docs/api.md). */
export interface LastScan {
  root: string;
  t: number;
  durationMs: number;
  bytes: number;
  entries: number;
  tree: ScanNode;
  categories: { name: string; bytes: number }[];
}

export interface NetInterface {
  name: string;
  rxBytesPerSecond: number;
  txBytesPerSecond: number;
  speedBytesPerSecond: number | null;
  points: [number, number, number][];
}

export interface Connection {
  proto: string;
  local: string;
  remote: string;
  state: string;
  pid: number | null;
  process: string | null;
  rxBytesPerSecond: number | null;
  txBytesPerSecond: number | null;
}

export interface NetReport {
  t: number;
  interfaces: NetInterface[];
  connections: Connection[];
}

export type Severity = 'ok' | 'info' | 'warn' | 'crit';

export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  detail: string;
  fix: string | null;
}

export interface FindingList {
  t: number;
  findings: Finding[];
}
