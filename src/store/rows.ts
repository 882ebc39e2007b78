/**
 * The store's rows as hog's values: a run row (with its recorder's identity from the options JSON) and
 * a series row.
 */
import type { RecorderIdentity, RunInfo, RunKind, SeriesInfo } from '../memory/recording.js';

export interface RunRow {
  id: number;
  kind: RunKind;
  command: string;
  host: string;
  started_at: number;
  ended_at: number | null;
  interval_ms: number | null;
  exit_code: number | null;
  exit_signal: string | null;
  options: string | null;
}

export interface SeriesRow {
  id: number;
  run_id: number;
  role: SeriesInfo['role'];
  pid: number | null;
  start_ticks: number | null;
  name: string;
  command: string;
  started_at: number;
  ended_at: number | null;
  end_reason: string | null;
  verdict: string | null;
}

export function latest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

/** The recorder's identity, kept in the run's options (see runState.ts); undefined for older runs. */
function recorderOf(options: string | null): RecorderIdentity | undefined {
  try {
    const r = (JSON.parse(options ?? '{}') as { recorder?: Partial<RecorderIdentity> }).recorder;
    if (typeof r?.pid === 'number' && typeof r.startTicks === 'number' && typeof r.bootId === 'string')
      return { pid: r.pid, startTicks: r.startTicks, bootId: r.bootId };
  } catch {
    // options another program wrote: no identity
  }
  return undefined;
}

export function runInfo(row: RunRow, lastDataAt?: number): RunInfo {
  return {
    id: row.id,
    kind: row.kind,
    command: row.command,
    host: row.host,
    startedAt: row.started_at,
    endedAt: row.ended_at ?? undefined,
    intervalMs: row.interval_ms ?? undefined,
    exitCode: row.exit_code ?? undefined,
    exitSignal: row.exit_signal ?? undefined,
    recorder: recorderOf(row.options),
    lastDataAt,
  };
}

export function seriesInfo(s: SeriesRow): SeriesInfo {
  return {
    role: s.role,
    pid: s.pid ?? undefined,
    startTicks: s.start_ticks ?? undefined,
    name: s.name,
    command: s.command,
    startedAt: s.started_at,
    endedAt: s.ended_at ?? undefined,
    endReason: s.end_reason ?? undefined,
  };
}
