/**
 * A window of one recorded series of `hog serve`, from the raw table and its 1-minute twin (they never
 * overlap: retention moves whole minutes), averaged into at most `maxPoints` time buckets so a chart of
 * 30 days is as cheap to send as one of an hour. Each point carries the time of its bucket's first
 * sample. Pure SQL over one (key, t) index range.
 */
import type Database from 'better-sqlite3';
import { minuteTable } from './serveSchema.js';

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
}

/** [t, value1, value2...] per bucket, oldest first. */
export function seriesPoints(db: Database.Database, q: SeriesQuery): number[][] {
  const bucket = Math.max(1, Math.ceil((q.to - q.from + 1) / Math.max(1, q.maxPoints)));
  const where = q.key ? `${q.key.column} = @id AND t BETWEEN @from AND @to` : 't BETWEEN @from AND @to';
  const cols = q.values.map((v, i) => `${v} AS v${i}`).join(', ');
  const averages = q.values.map((_, i) => `AVG(v${i})`).join(', ');
  const rows = db
    .prepare(
      `SELECT MIN(t) AS t, ${averages} FROM (
         SELECT t, ${cols} FROM ${q.table} WHERE ${where}
         UNION ALL
         SELECT t, ${cols} FROM ${minuteTable(q.table)} WHERE ${where}
       ) GROUP BY (t - @from) / @bucket ORDER BY 1`,
    )
    .raw()
    .all({ ...(q.key ? { id: q.key.id } : {}), from: q.from, to: q.to, bucket }) as (number | null)[][];
  return rows.map(
    (row) => row.map((v) => (v === null ? null : Math.round((v as number) * 1000) / 1000)) as number[],
  );
}
