/**
 * What `hog serve` records at each tick, as plain values: the recorder (serve/) builds them from the
 * readers, the store writes them (serveWriter.ts) and reads them back (serveQueries.ts). Sizes in bytes,
 * rates in bytes per second, times in milliseconds since the epoch.
 */

export interface HostSample {
  totalBytes: number;
  availableBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
  /** /proc/pressure/memory avg10, as a ratio 0..1; null when the kernel has no PSI. */
  pressureSome10: number | null;
  pressureFull10: number | null;
  load: [number, number, number];
}

export interface ProcessSampleRow {
  pid: number;
  /** Start time in clock ticks since boot (/proc/PID/stat field 22): with the PID, the process's identity. */
  startTicks: number;
  name: string;
  command: string;
  isNode: boolean;
  rssBytes: number;
  swapBytes: number;
}

export interface MountSample {
  mountpoint: string;
  device: string;
  fstype: string;
  sizeBytes: number;
  usedBytes: number;
  availBytes: number;
  inodesTotal: number;
  inodesFree: number;
}

export interface InterfaceSample {
  name: string;
  speedBytesPerSecond: number | null;
  /** Cumulative counters of /proc/net/dev. */
  rxBytes: number;
  txBytes: number;
  rxBytesPerSecond: number;
  txBytesPerSecond: number;
}

export interface ConnectionSample {
  proto: string;
  local: string;
  remote: string;
  state: string;
  pid: number | null;
  process: string;
  rxBytesPerSecond: number;
  txBytesPerSecond: number;
}

export type FindingSeverity = 'ok' | 'info' | 'warn' | 'crit';

export interface FindingRow {
  id: string;
  severity: FindingSeverity;
  title: string;
  detail: string;
  fix: string | null;
}

export interface ServeTick {
  t: number;
  host: HostSample;
  processes: ProcessSampleRow[];
  mounts: MountSample[];
  interfaces: InterfaceSample[];
  /** The top connections now; undefined leaves the last snapshot as it is. */
  connections?: ConnectionSample[] | undefined;
}
