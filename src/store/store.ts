/**
 * The embedded SQLite store (better-sqlite3, WAL while recording): recordings of `hog run` and
 * `hog watch`, read back by `hog runs`, `hog plot` and the doctor, and shared with `hog serve`.
 *
 * Two ways in (open.ts): readers open it read-only and never create, migrate or mark it; writers check
 * an existing file is hog's before opening it read-write. A writer that finds the file locked by another
 * writer (SQLITE_BUSY after its busy timeout) is still returned, not ready: the check and the set-up
 * are retried by ensureReady() before its first write (the recorder buffers until then).
 * When the last writer closes it, the store goes back to rollback-journal mode, so users who may read
 * it but not write its directory can open it without creating a -shm file.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { NotFoundError } from '../errors.js';
import type { SampleRow } from '../memory/recorder.js';
import type { Marker, Metric, Note, Recording, RunInfo, SeriesInfo } from '../memory/recording.js';
import { cannotOpen, ensureDirectory, hasContent, openDatabase, openReadOnly, setUp } from './open.js';
import { type RunRow, runInfo, type SeriesRow, seriesInfo } from './rows.js';
import { lastRecorded, readRunMarkers, readRunNotes, readRunSeries } from './runReader.js';
import { isBusy, storeError } from './sqliteErrors.js';

export interface RunSummary extends RunInfo {
  series: number;
  samples: number;
  /** Highest value of the primary series' RSS (bytes). */
  peakBytes: number | undefined;
  /** The primary series' latest stored verdict, JSON-decoded. */
  verdict: unknown;
}

export interface OpenOptions {
  /** Create the file (and its directory) if missing. Readers pass false: looking never creates. */
  create: boolean;
}

/**
 * How long a write waits for another writer's lock by default (ms): a few of SQLite's busy-handler
 * retries, short enough that sampling goes on (a flush that waited in vain is retried at the next).
 */
export const WRITE_BUSY_MS = 100;
/** How long a read waits for a writer in rollback-journal mode (ms). */
export const READ_BUSY_MS = 5000;

export class Store {
  private readonly metricIds = new Map<Metric, number>();
  private statements:
    | { sample: Database.Statement; marker: Database.Statement; note: Database.Statement }
    | undefined;
  /** A read-write connection, opened once the file is known to be hog's (writers only). */
  private rw: Database.Database | undefined;
  private checked = false;
  private ready = false;
  private busyMs = WRITE_BUSY_MS;

  private constructor(
    readonly path: string,
    readonly mode: 'read' | 'write',
    /** The reader's connection; for a writer, the read-write one once it is open. */
    private ro: Database.Database | undefined,
    /** No table at all (a zero-length file): nothing recorded yet. */
    private readonly empty = false,
  ) {
    if (ro && !empty) this.loadMetricIds(ro);
  }

  static exists(path: string): boolean {
    return existsSync(path);
  }

  /** Readers (create: false) and writers (create: true); see openForReading and openForWriting. */
  static open(path: string, options: OpenOptions): Store {
    return options.create ? Store.openForWriting(path) : Store.openForReading(path);
  }

  /** Open an existing store to read it: never creates, migrates or marks it. */
  static openForReading(path: string): Store {
    if (!existsSync(path)) {
      throw new NotFoundError(`no recordings yet: ${path} does not exist`, {
        hint: 'record one with `hog run -- CMD` or `hog watch PID`, or point at another store with --db',
      });
    }
    let opened: ReturnType<typeof openReadOnly>;
    try {
      opened = openReadOnly(path, READ_BUSY_MS);
    } catch (error) {
      throw storeError(path, error);
    }
    const { db, kind } = opened;
    try {
      return new Store(path, 'read', db, kind.kind === 'empty');
    } catch (error) {
      db.close();
      throw storeError(path, error);
    }
  }

  /**
   * Open (or create) a store to record into. A file that is not hog's, is corrupt, or was written by a
   * newer hog is refused here, before anything is written; one that another writer has locked is
   * returned not ready (see ensureReady).
   */
  static openForWriting(path: string): Store {
    const store = new Store(path, 'write', undefined);
    try {
      if (!hasContent(path)) ensureDirectory(dirname(path));
    } catch (error) {
      throw cannotOpen(path, error);
    }
    try {
      store.ensureReady();
    } catch (error) {
      if (!isBusy(error)) {
        store.close();
        throw error;
      }
    }
    return store;
  }

  /** Ready to write: the file checked, set up and in WAL mode. Throws SQLITE_BUSY while locked. */
  ensureReady(): void {
    if (this.ready) return;
    if (!this.checked && hasContent(this.path)) {
      // read-only first: another program's database is never opened read-write
      openReadOnly(this.path, this.busyMs).db.close();
    }
    this.checked = true;
    try {
      if (!this.rw) {
        this.rw = openDatabase(this.path, { timeout: this.busyMs });
        this.ro = this.rw;
      }
      setUp(this.rw, this.path);
      if (this.rw.pragma('journal_mode', { simple: true }) !== 'wal') this.rw.pragma('journal_mode = WAL');
      this.rw.pragma('synchronous = NORMAL');
      this.rw.pragma('foreign_keys = ON');
    } catch (error) {
      if (isBusy(error)) throw error;
      throw this.rw ? storeError(this.path, error) : cannotOpen(this.path, error);
    }
    this.loadMetricIds(this.rw);
    // prepared once: a recorder writes every second, and preparing costs more than a few inserts
    this.statements = {
      sample: this.rw.prepare(
        'INSERT OR REPLACE INTO samples (series_id, metric_id, t, value) VALUES (?, ?, ?, ?)',
      ),
      marker: this.rw.prepare('INSERT INTO markers (run_id, t, event, name, pid) VALUES (?, ?, ?, ?, ?)'),
      note: this.rw.prepare('INSERT INTO notes (run_id, series_id, t, kind, text) VALUES (?, ?, ?, ?, ?)'),
    };
    this.ready = true;
  }

  /** How long the next writes wait for another writer's lock before SQLITE_BUSY. */
  setBusyTimeout(ms: number): void {
    this.busyMs = Math.max(1, Math.round(ms));
    this.rw?.pragma(`busy_timeout = ${this.busyMs}`);
  }

  close(): void {
    const db = this.rw ?? this.ro;
    if (!db?.open) return;
    if (this.rw && this.ready) {
      try {
        // only the last connection can leave WAL mode; the others fail at once and leave it to that one
        this.rw.pragma('busy_timeout = 0');
        this.rw.pragma('journal_mode = DELETE');
      } catch {
        // another connection is open: it will do it when it closes
      }
    }
    db.close();
  }

  /** Run `body` in one IMMEDIATE transaction (it waits for the lock up to the busy timeout). */
  transaction<T>(body: () => T): T {
    return this.writer().transaction(body).immediate();
  }

  /**
   * The connection itself, for the serve tables (serveWriter.ts, serveQueries.ts), which keep their own
   * prepared statements: read-write for a writer (set up first), read-only for a reader.
   */
  connection(): Database.Database {
    return this.mode === 'write' ? this.writer() : this.db;
  }

  private writer(): Database.Database {
    this.ensureReady();
    return this.rw as Database.Database;
  }

  private get db(): Database.Database {
    return (this.rw ?? this.ro) as Database.Database;
  }

  private loadMetricIds(db: Database.Database): void {
    for (const row of db.prepare('SELECT id, name FROM metrics').all() as { id: number; name: Metric }[]) {
      this.metricIds.set(row.name, row.id);
    }
  }

  /** A read, with SQLite's failures (a corrupt page, a lock) said as hog's errors. */
  private read<T>(body: () => T): T {
    try {
      return body();
    } catch (error) {
      throw storeError(this.path, error);
    }
  }

  createRun(run: Omit<RunInfo, 'id'> & { options?: object }): number {
    const result = this.writer()
      .prepare(
        'INSERT INTO runs (kind, command, host, started_at, interval_ms, options) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        run.kind,
        run.command,
        run.host,
        run.startedAt,
        run.intervalMs ?? null,
        JSON.stringify(run.options ?? {}),
      );
    return Number(result.lastInsertRowid);
  }

  endRun(
    runId: number,
    end: { endedAt: number; exitCode?: number | undefined; exitSignal?: string | undefined },
  ): void {
    this.writer()
      .prepare('UPDATE runs SET ended_at = ?, exit_code = ?, exit_signal = ? WHERE id = ?')
      .run(end.endedAt, end.exitCode ?? null, end.exitSignal ?? null, runId);
  }

  addSeries(runId: number, info: SeriesInfo): number {
    const result = this.writer()
      .prepare(
        'INSERT INTO series (run_id, role, pid, start_ticks, name, command, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        runId,
        info.role,
        info.pid ?? null,
        info.startTicks ?? null,
        info.name,
        info.command,
        info.startedAt,
      );
    return Number(result.lastInsertRowid);
  }

  endSeries(seriesId: number, endedAt: number, reason: string): void {
    this.writer()
      .prepare('UPDATE series SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL')
      .run(endedAt, reason, seriesId);
  }

  /** The process of a series exec'd another program: the series shows its latest name. */
  renameSeries(seriesId: number, name: string, command: string): void {
    this.writer()
      .prepare('UPDATE series SET name = ?, command = ? WHERE id = ?')
      .run(name, command, seriesId);
  }

  setVerdict(seriesId: number, verdict: unknown): void {
    this.writer()
      .prepare('UPDATE series SET verdict = ? WHERE id = ?')
      .run(JSON.stringify(verdict), seriesId);
  }

  /** Everything buffered since the last flush, in one transaction (one fsync in WAL mode). */
  write(batch: {
    samples: readonly SampleRow[];
    markers: readonly (Marker & { runId: number })[];
    notes: readonly (Note & { runId: number })[];
  }): void {
    // a transaction inside the caller's becomes a savepoint (better-sqlite3 nests them)
    this.transaction(() => {
      const { sample, marker, note } = this.statements as NonNullable<Store['statements']>;
      for (const s of batch.samples)
        sample.run(s.seriesId, this.metricId(s.metric), Math.round(s.t), s.value);
      for (const m of batch.markers) marker.run(m.runId, Math.round(m.t), m.event, m.name, m.pid ?? null);
      for (const n of batch.notes) note.run(n.runId, n.seriesId ?? null, Math.round(n.t), n.kind, n.text);
    });
  }

  private metricId(metric: Metric): number {
    const id = this.metricIds.get(metric);
    // the schema's migrations insert a row for every Metric: a missing one is a bug of hog's
    if (id === undefined) throw new Error(`metric ${metric} has no row in the store's metrics table`);
    return id;
  }

  /** The most recent runs first. */
  listRuns(limit = 20): RunSummary[] {
    if (this.empty) return [];
    return this.read(() => {
      const rows = this.db
        .prepare(
          `SELECT r.*,
             (SELECT COUNT(*) FROM series s WHERE s.run_id = r.id) AS series_count,
             (SELECT COUNT(*) FROM samples x JOIN series s ON s.id = x.series_id WHERE s.run_id = r.id) AS sample_count,
           (SELECT MAX(x.t) FROM samples x JOIN series s ON s.id = x.series_id WHERE s.run_id = r.id) AS last_sample_at
           FROM runs r ORDER BY r.id DESC LIMIT ?`,
        )
        .all(limit) as (RunRow & {
        series_count: number;
        sample_count: number;
        last_sample_at: number | null;
      })[];
      const rss = this.metricId('rss');
      return rows.map((row) => {
        const primary = this.db
          .prepare(
            `SELECT id, verdict FROM series WHERE run_id = ?
             ORDER BY CASE role WHEN 'total' THEN 0 WHEN 'main' THEN 1 ELSE 2 END, id LIMIT 1`,
          )
          .get(row.id) as { id: number; verdict: string | null } | undefined;
        const peak = primary
          ? (this.db
              .prepare('SELECT MAX(value) AS peak FROM samples WHERE series_id = ? AND metric_id = ?')
              .get(primary.id, rss) as { peak: number | null })
          : undefined;
        return {
          ...runInfo(row, row.last_sample_at ?? undefined),
          series: row.series_count,
          samples: row.sample_count,
          peakBytes: peak?.peak ?? undefined,
          verdict: primary?.verdict ? JSON.parse(primary.verdict) : undefined,
        };
      });
    });
  }

  /** The id of the latest run, if any. */
  lastRunId(): number | undefined {
    if (this.empty) return undefined;
    return this.read(() => {
      const row = this.db.prepare('SELECT MAX(id) AS id FROM runs').get() as { id: number | null };
      return row.id ?? undefined;
    });
  }

  loadRun(runId: number): Recording {
    return this.read(() => {
      const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
      if (!row) {
        throw new NotFoundError(`no run ${runId} in ${this.path}`, {
          hint: 'list the recordings with `hog runs`',
        });
      }
      const series = readRunSeries(this.db, runId, this.metricIds);
      const markers = readRunMarkers(this.db, runId);
      const notes = readRunNotes(this.db, runId);
      const run = runInfo(row, lastRecorded(series, markers, notes));
      return { run, series, markers, notes, source: `run ${runId} in ${this.path}` };
    });
  }

  /**
   * Series with a stored verdict that were recorded since `sinceMs` (or are still being recorded),
   * newest first: what the doctor judges the machine's recent history by.
   */
  recentSeries(sinceMs: number): (SeriesInfo & { id: number; runId: number; verdict: unknown })[] {
    if (this.empty) return [];
    return this.read(() => {
      const rows = this.db
        .prepare(
          `SELECT * FROM series WHERE verdict IS NOT NULL AND (ended_at IS NULL OR ended_at >= ?)
           ORDER BY id DESC LIMIT 200`,
        )
        .all(sinceMs) as SeriesRow[];
      return rows.map((s) => ({
        id: s.id,
        runId: s.run_id,
        ...seriesInfo(s),
        verdict: JSON.parse(s.verdict as string),
      }));
    });
  }
}
