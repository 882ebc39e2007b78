/**
 * A memory recording as plain values: what `hog run` and `hog watch` record, what the store returns,
 * what an mprof .dat file reads into, and what `hog plot` draws. No I/O here.
 */
import type { Sample } from './envelope.js';

/**
 * What one series measures. rss..swap come from /proc; the heap metrics from a Node.js target's
 * process.memoryUsage() (heapUsed, heapTotal, external, arrayBuffers), reported by hog's preload.
 */
export const METRICS = [
  'rss',
  'pss',
  'uss',
  'swap',
  'heap_used',
  'heap_total',
  'external',
  'array_buffers',
] as const;
export type Metric = (typeof METRICS)[number];

export const METRIC_LABEL: Record<Metric, string> = {
  rss: 'RSS',
  pss: 'PSS',
  uss: 'USS',
  swap: 'swap',
  heap_used: 'V8 heap used',
  heap_total: 'V8 heap total',
  external: 'external',
  array_buffers: 'array buffers',
};

/**
 * main: the process hog started or was asked to watch; total: it and all its descendants summed
 * (--include-children, mprof's MEM with children); child: one descendant (--multiprocess, mprof's CHLD);
 * system: the whole machine (hog serve).
 */
export type SeriesRole = 'main' | 'total' | 'child' | 'system';

export interface SeriesInfo {
  role: SeriesRole;
  pid?: number | undefined;
  /** Start time in clock ticks after boot (/proc/PID/stat field 22): with pid, the process's identity. */
  startTicks?: number | undefined;
  name: string;
  command: string;
  startedAt: number;
  endedAt?: number | undefined;
  /** Why the series ended: "exited", "stopped", "vanished"... */
  endReason?: string | undefined;
}

/** A name a process had from `t` on: its first, then one per exec (comm changed, start time did not). */
export interface NameChange {
  t: number;
  name: string;
  command: string;
}

export interface RecordedSeries extends SeriesInfo {
  id: number;
  metrics: Partial<Record<Metric, Sample[]>>;
}

export interface Marker {
  t: number;
  event: 'enter' | 'exit';
  name: string;
  pid?: number | undefined;
}

export interface Note {
  t: number;
  kind: string;
  text: string;
  seriesId?: number | undefined;
}

export type RunKind = 'run' | 'watch' | 'import' | 'serve';

export interface RunInfo {
  id: number;
  kind: RunKind;
  command: string;
  host: string;
  startedAt: number;
  endedAt?: number | undefined;
  intervalMs?: number | undefined;
  exitCode?: number | undefined;
  exitSignal?: string | undefined;
  /** The hog process recording it, to tell a run still recording from one whose recorder died. */
  recorder?: RecorderIdentity | undefined;
  /** Time of the last sample, marker or note stored: where an interrupted run really ends. */
  lastDataAt?: number | undefined;
}

/** A process on one boot of one machine: PID, start time in clock ticks, /proc/sys/kernel/random/boot_id. */
export interface RecorderIdentity {
  pid: number;
  startTicks: number;
  bootId: string;
}

/** ended: the recorder ended it; running: its recorder is alive; interrupted: it died first. */
export type RunState = 'ended' | 'running' | 'interrupted';

export interface Recording {
  run: RunInfo;
  series: RecordedSeries[];
  markers: Marker[];
  notes: Note[];
  /** Where it came from: "run 12 in /path/hog.db", or a file name. */
  source: string;
}

/** The series a verdict is about: the total if there is one, else the main process. */
export function primarySeries(recording: Recording): RecordedSeries | undefined {
  return (
    recording.series.find((s) => s.role === 'total') ??
    recording.series.find((s) => s.role === 'main') ??
    recording.series[0]
  );
}

/** "PID 1234 (node)", or the role for series without a PID. */
export function seriesLabel(series: SeriesInfo): string {
  if (series.pid === undefined) return series.role === 'system' ? 'machine' : series.name || series.role;
  const name = series.name ? ` (${series.name})` : '';
  return series.role === 'total' ? `PID ${series.pid}${name} + children` : `PID ${series.pid}${name}`;
}
