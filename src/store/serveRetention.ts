/**
 * Retention of `hog serve`'s history, with downsampling:
 *   every completed minute is averaged into the `_minute` tables (each minute once);
 *   raw rows older than `rawMs` go (whole minutes);
 *   minute rows older than `minuteMs` go;
 *   processes, mounts and interfaces with no sample left go with them;
 *   while the pages in use exceed `maxBytes`, the oldest hour of history goes (minute rows first, as
 *   they are the oldest), so the file stops growing: SQLite reuses freed pages before it extends the
 *   file. Recordings of `hog run` and `hog watch` in the same file are never touched.
 * Run with the clock's `now`, so tests move time instead of waiting.
 */
import type Database from 'better-sqlite3';
import { minuteTable } from './serveSchema.js';

export interface RetentionPolicy {
  rawMs: number;
  minuteMs: number;
  maxBytes: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  rawMs: 24 * 3600_000,
  minuteMs: 30 * 24 * 3600_000,
  maxBytes: 1024 ** 3,
};

export const MINUTE_MS = 60_000;
/** How much history one step of the size bound drops. */
const DROP_STEP_MS = 3600_000;
/** Steps per call at most, so one call stays short; the next call goes on. */
const MAX_DROP_STEPS = 1000;

/** Each raw table: its key column (none for the host) and the columns to average. */
const RAW_TABLES: { table: string; key: string | null; values: string[] }[] = [
  {
    table: 'serve_host',
    key: null,
    values: [
      'mem_total',
      'mem_available',
      'swap_total',
      'swap_free',
      'psi_some10',
      'psi_full10',
      'load1',
      'load5',
      'load15',
    ],
  },
  { table: 'serve_process_sample', key: 'process_id', values: ['rss', 'swap'] },
  { table: 'serve_fs_sample', key: 'mount_id', values: ['size', 'used', 'avail', 'files', 'files_free'] },
  {
    table: 'serve_net_sample',
    key: 'interface_id',
    values: ['rx_bytes', 'tx_bytes', 'rx_rate', 'tx_rate'],
  },
];

export interface RetentionResult {
  /** Raw rows past the raw window, deleted (their minutes were averaged first). */
  downsampled: number;
  /** Minute rows dropped by age. */
  expired: number;
  /** Hours of history dropped to keep the size bound. */
  droppedForSize: number;
}

export function applyRetention(db: Database.Database, now: number, policy: RetentionPolicy): RetentionResult {
  const result: RetentionResult = { downsampled: 0, expired: 0, droppedForSize: 0 };
  const rawCut = Math.floor((now - policy.rawMs) / MINUTE_MS) * MINUTE_MS;
  const minuteCut = now - policy.minuteMs;
  db.transaction(() => {
    aggregateMinutes(db, now);
    for (const { table } of RAW_TABLES) {
      result.downsampled += db.prepare(`DELETE FROM ${table} WHERE t < ?`).run(rawCut).changes;
      result.expired += db.prepare(`DELETE FROM ${minuteTable(table)} WHERE t < ?`).run(minuteCut).changes;
    }
    dropOrphans(db);
  }).immediate();
  result.droppedForSize = boundSize(db, policy.maxBytes);
  return result;
}

/**
 * Average every minute completed since the last aggregation into the `_minute` tables (each minute
 * once: from the newest host minute row on, up to the start of the minute in progress). Raw rows stay
 * until the raw window passes; the charts read minute rows for long windows (serveSeries.ts).
 */
export function aggregateMinutes(db: Database.Database, now: number): void {
  const until = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const since = db
    .prepare(`SELECT COALESCE(MAX(t) + ${MINUTE_MS}, 0) FROM serve_host_minute`)
    .pluck()
    .get() as number;
  if (since >= until) return;
  for (const { table, key, values } of RAW_TABLES) {
    const keyCol = key ? `${key}, ` : '';
    const averages = values.map((v) => (isInteger(v) ? `CAST(ROUND(AVG(${v})) AS INTEGER)` : `AVG(${v})`));
    db.prepare(
      `INSERT OR REPLACE INTO ${minuteTable(table)} (${keyCol}t, ${values.join(', ')})
       SELECT ${keyCol}(t / ${MINUTE_MS}) * ${MINUTE_MS}, ${averages.join(', ')}
       FROM ${table} WHERE t >= ? AND t < ? GROUP BY ${keyCol}t / ${MINUTE_MS}`,
    ).run(since, until);
  }
}

const isInteger = (column: string) => !/rate|psi|load/.test(column);

/** Processes, mounts and interfaces without any sample left. */
function dropOrphans(db: Database.Database): void {
  const owners: [string, string, string][] = [
    ['serve_process', 'serve_process_sample', 'process_id'],
    ['serve_mount', 'serve_fs_sample', 'mount_id'],
    ['serve_interface', 'serve_net_sample', 'interface_id'],
  ];
  for (const [owner, raw, key] of owners) {
    db.prepare(
      `DELETE FROM ${owner} WHERE NOT EXISTS (SELECT 1 FROM ${raw} WHERE ${key} = ${owner}.id)
         AND NOT EXISTS (SELECT 1 FROM ${minuteTable(raw)} WHERE ${key} = ${owner}.id)`,
    ).run();
  }
}

/** Bytes of the pages in use: the file's size less its free pages (which SQLite reuses first). */
export function usedBytes(db: Database.Database): number {
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  const size = db.pragma('page_size', { simple: true }) as number;
  return (pages - free) * size;
}

/** The oldest sample time in any serve table, or undefined when there is none. */
function oldest(db: Database.Database): number | undefined {
  let min: number | undefined;
  for (const { table } of RAW_TABLES) {
    for (const name of [table, minuteTable(table)]) {
      const row = db.prepare(`SELECT MIN(t) AS t FROM ${name}`).get() as { t: number | null };
      if (row.t !== null && (min === undefined || row.t < min)) min = row.t;
    }
  }
  return min;
}

function boundSize(db: Database.Database, maxBytes: number): number {
  let steps = 0;
  while (usedBytes(db) > maxBytes && steps < MAX_DROP_STEPS) {
    const first = oldest(db);
    if (first === undefined) break;
    const cut = first + DROP_STEP_MS;
    db.transaction(() => {
      for (const { table } of RAW_TABLES) {
        db.prepare(`DELETE FROM ${minuteTable(table)} WHERE t < ?`).run(cut);
        db.prepare(`DELETE FROM ${table} WHERE t < ?`).run(cut);
      }
      dropOrphans(db);
    }).immediate();
    steps++;
  }
  return steps;
}
