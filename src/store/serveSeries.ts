/**
 * A window of one recorded series of `hog serve`, averaged (or its minimum taken) into at most
 * `maxPoints` time buckets, each point at the time of its bucket's first sample.
 *
 * Which rows: every complete minute has a row in the `_minute` table (retention.ts aggregates them as
 * they complete), and raw rows are kept for the raw window only. A short window (up to RAW_SPAN_MS)
 * reads raw rows, plus minute rows where raw ones have already expired; a longer one reads minute rows,
 * plus the raw rows of the minute still in progress. So a 24 h chart reads 1440 rows, not 86 400: at a
 * 1 s interval the raw path measured 150 ms for 24 h of host rows, the minute path a few.
 */
import type Database from 'better-sqlite3';
import { minuteTable } from './serveSchema.js';

/** Windows up to this long are read from raw rows. */
export const RAW_SPAN_MS = 2 * 3600_000;
const MINUTE = 60_000;

export interface SeriesQuery {
  /** Raw table (serve_host, serve_process_sample...). */
  table: string;
  /** SQL expressions over the table's columns, one per value of a point. */
  values: readonly string[];
  /** Key column and value (process_id = 7), or none for the host. */
  key?: { column: string; id: number } | undefined;
  from: number;
  to: number;
  maxPoints: number;
  /** How a bucket's values combine: AVG (charts) or MIN (the lower envelope of a verdict). */
  combine?: 'AVG' | 'MIN';
}

/**
 * The rows of the window as one SELECT of (t, v0, v1...): raw rows from `rawFrom`, minute rows before
 * `minuteTo`. The bounds are found first, with one indexed MIN or MAX, and passed as plain values, so
 * both halves are index range scans (a subquery bound left SQLite scanning every raw row of the window).
 */
function rowsSql(db: Database.Database, q: SeriesQuery): { sql: string; rawFrom: number; minuteTo: number } {
  const raw = q.table;
  const minute = minuteTable(q.table);
  const key = q.key ? `${q.key.column} = @id` : '1';
  const args = q.key ? { id: q.key.id } : {};
  const cols = q.values.map((v, i) => `${v} AS v${i}`).join(', ');
  let rawFrom: number;
  let minuteTo: number;
  if (q.to - q.from <= RAW_SPAN_MS) {
    // raw rows, and minute rows where the raw ones have expired
    const oldestRaw = db.prepare(`SELECT MIN(t) FROM ${raw} WHERE ${key}`).pluck().get(args) as number | null;
    rawFrom = q.from;
    minuteTo = oldestRaw ?? q.to + 1;
  } else {
    // minute rows, and the raw rows of the minutes not averaged yet
    const newest = db.prepare(`SELECT MAX(t) FROM ${minute} WHERE ${key}`).pluck().get(args) as number | null;
    rawFrom = Math.max(q.from, newest === null ? 0 : newest + MINUTE);
    minuteTo = newest === null ? q.from : newest + 1;
  }
  const sql = `SELECT t, ${cols} FROM ${raw} WHERE ${key} AND t BETWEEN @rawFrom AND @to
    UNION ALL SELECT t, ${cols} FROM ${minute} WHERE ${key} AND t >= @from AND t < @minuteTo AND t <= @to`;
  return { sql, rawFrom, minuteTo };
}

/**
 * The window starting no earlier than the series' first row: a process recorded for ten minutes, asked
 * for the last 24 h, is a ten-minute window (raw rows, small buckets), not a day of minute averages.
 */
function clamped(db: Database.Database, q: SeriesQuery): SeriesQuery {
  const key = q.key ? `${q.key.column} = @id` : '1';
  const first = db
    .prepare(`SELECT MIN(t) FROM (SELECT MIN(t) AS t FROM ${q.table} WHERE ${key}
      UNION ALL SELECT MIN(t) FROM ${minuteTable(q.table)} WHERE ${key})`)
    .pluck()
    .get(q.key ? { id: q.key.id } : {}) as number | null;
  return first !== null && first > q.from && first <= q.to ? { ...q, from: first } : q;
}

/** [t, value1, value2...] per bucket, oldest first. */
export function seriesPoints(db: Database.Database, query: SeriesQuery): number[][] {
  const q = clamped(db, query);
  const bucket = Math.max(1, Math.ceil((q.to - q.from + 1) / Math.max(1, q.maxPoints)));
  const combine = q.combine ?? 'AVG';
  const combined = q.values.map((_, i) => `${combine}(v${i})`).join(', ');
  const { sql, rawFrom, minuteTo } = rowsSql(db, q);
  const rows = db
    .prepare(`SELECT MIN(t) AS t, ${combined} FROM (${sql}) GROUP BY (t - @from) / @bucket ORDER BY 1`)
    .raw()
    .all({ ...(q.key ? { id: q.key.id } : {}), from: q.from, to: q.to, rawFrom, minuteTo, bucket }) as (
    | number
    | null
  )[][];
  return rows.map(
    (row) => row.map((v) => (v === null ? null : Math.round((v as number) * 1000) / 1000)) as number[],
  );
}
