/**
 * The store's schema, as numbered migrations. PRAGMA user_version holds the number of migrations
 * applied; each runs once, in its own transaction, in order. Never edit a released migration: add one.
 *
 * Tables (shared with `hog serve`, which records machine-wide history into the same file):
 *   runs     one recording: `hog run` of a command, `hog watch` of PIDs, an imported file, or a serve
 *            session; times are milliseconds since the epoch
 *   metrics  what a sample measures (rss, pss, heap_used...); serve adds its own in later migrations
 *   series   one process (or the machine, role 'system') within a run
 *   samples  (series, metric, t) -> value: narrow rows, so new metrics need no new columns
 *   markers  function entry/exit events (HOG_MARKER_FILE, mprof FUNC lines)
 *   notes    things that happened: a PID exited, recording stopped (disk full), lines skipped
 * Migration 2 adds the serve_* tables of `hog serve` (serveSchema.ts); migration 3 its directory scans
 * (serveScans.ts).
 */
import type { Metric } from '../memory/recording.js';
import { SERVE_SCAN_MIGRATION } from './serveScans.js';
import { SERVE_MIGRATION } from './serveSchema.js';

const METRIC_ROWS: [Metric, string, string][] = [
  ['rss', 'bytes', 'resident set size, VmRSS (/proc/PID/statm resident pages)'],
  ['pss', 'bytes', 'proportional set size (/proc/PID/smaps_rollup Pss)'],
  ['uss', 'bytes', 'unique set size (/proc/PID/smaps_rollup Private_*)'],
  ['swap', 'bytes', 'swapped-out anonymous memory (/proc/PID/status VmSwap)'],
  ['heap_used', 'bytes', 'V8 heap used (process.memoryUsage().heapUsed)'],
  ['heap_total', 'bytes', 'V8 heap reserved (process.memoryUsage().heapTotal)'],
  ['external', 'bytes', 'memory of C++ objects bound to JS objects (process.memoryUsage().external)'],
  ['array_buffers', 'bytes', 'ArrayBuffers and Buffers (process.memoryUsage().arrayBuffers)'],
];

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('run', 'watch', 'import', 'serve')),
    command     TEXT    NOT NULL DEFAULT '',
    host        TEXT    NOT NULL DEFAULT '',
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER,
    interval_ms INTEGER,
    exit_code   INTEGER,
    exit_signal TEXT,
    options     TEXT    NOT NULL DEFAULT '{}'
  );
  CREATE INDEX runs_started ON runs (started_at);
  CREATE TABLE metrics (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    unit        TEXT NOT NULL,
    description TEXT NOT NULL
  );
  ${METRIC_ROWS.map(([name, unit, description]) => `INSERT INTO metrics (name, unit, description) VALUES ('${name}', '${unit}', '${description.replace(/'/g, "''")}');`).join('\n  ')}
  CREATE TABLE series (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    role        TEXT    NOT NULL CHECK (role IN ('main', 'total', 'child', 'system')),
    pid         INTEGER,
    start_ticks INTEGER,
    name        TEXT    NOT NULL DEFAULT '',
    command     TEXT    NOT NULL DEFAULT '',
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER,
    end_reason  TEXT,
    verdict     TEXT
  );
  CREATE INDEX series_run ON series (run_id);
  CREATE INDEX series_pid ON series (pid, ended_at);
  CREATE TABLE samples (
    series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    metric_id INTEGER NOT NULL REFERENCES metrics (id),
    t         INTEGER NOT NULL,
    value     NUMERIC NOT NULL,
    PRIMARY KEY (series_id, metric_id, t)
  ) WITHOUT ROWID;
  CREATE TABLE markers (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    t      INTEGER NOT NULL,
    event  TEXT    NOT NULL CHECK (event IN ('enter', 'exit')),
    name   TEXT    NOT NULL,
    pid    INTEGER
  );
  CREATE INDEX markers_run ON markers (run_id, t);
  CREATE TABLE notes (
    id        INTEGER PRIMARY KEY,
    run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    series_id INTEGER REFERENCES series (id) ON DELETE CASCADE,
    t         INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    text      TEXT    NOT NULL
  );
  CREATE INDEX notes_run ON notes (run_id, t);
  `,
  SERVE_MIGRATION,
  SERVE_SCAN_MIGRATION,
];
