/**
 * The embedded SQLite store (better-sqlite3, WAL): recordings of `hog run` and `hog watch`, read back
 * by `hog runs`, `hog plot` and the doctor, and shared with `hog serve`. WAL lets one writer record
 * while others read; busy_timeout makes a second writer wait instead of failing.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';

/**
 * better-sqlite3 (a native addon, CommonJS) is required when a store is opened, not when this module
 * loads: commands that may never touch the store (hog doctor without history) do not pay for it.
 */
function openDatabase(path: string, options: Database.Options): Database.Database {
  const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return new BetterSqlite3(path, options);
}

import { errnoCode, NotFoundError, PermissionError, UnsupportedError, UsageError } from '../errors.js';
import type { Sample } from '../memory/envelope.js';
import type { SampleRow } from '../memory/recorder.js';
import type {
  Marker,
  Metric,
  Note,
  RecordedSeries,
  Recording,
  RunInfo,
  RunKind,
  SeriesInfo,
} from '../memory/recording.js';
import { MIGRATIONS } from './schema.js';

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

export class Store {
  private readonly metricIds = new Map<Metric, number>();
  private readonly insertSample: Database.Statement;
  private readonly insertMarker: Database.Statement;
  private readonly insertNote: Database.Statement;

  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
  ) {
    for (const row of db.prepare('SELECT id, name FROM metrics').all() as { id: number; name: Metric }[]) {
      this.metricIds.set(row.name, row.id);
    }
    // prepared once: a recorder writes every second, and preparing costs more than a few inserts
    this.insertSample = db.prepare(
      'INSERT OR REPLACE INTO samples (series_id, metric_id, t, value) VALUES (?, ?, ?, ?)',
    );
    this.insertMarker = db.prepare(
      'INSERT INTO markers (run_id, t, event, name, pid) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertNote = db.prepare(
      'INSERT INTO notes (run_id, series_id, t, kind, text) VALUES (?, ?, ?, ?, ?)',
    );
  }

  static exists(path: string): boolean {
    return existsSync(path);
  }

  static open(path: string, options: OpenOptions): Store {
    if (!options.create && !existsSync(path)) {
      throw new NotFoundError(`no recordings yet: ${path} does not exist`, {
        hint: 'record one with `hog run -- CMD` or `hog watch PID`, or point at another store with --db',
      });
    }
    let db: Database.Database;
    try {
      if (options.create) ensureDirectory(dirname(path));
      db = openDatabase(path, { fileMustExist: !options.create });
      db.pragma('busy_timeout = 5000');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    } catch (error) {
      const code = errnoCode(error);
      const denied = code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_READONLY' || code === 'EROFS';
      const message = `cannot open the store ${path}: ${(error as Error).message}`;
      const hint = 'choose a writable file with --db FILE (or set HOG_DB)';
      throw denied
        ? new PermissionError(message, { hint, cause: error })
        : new UsageError(message, { hint, cause: error });
    }
    migrate(db, path);
    return new Store(path, db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  createRun(run: Omit<RunInfo, 'id'> & { options?: object }): number {
    const result = this.db
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
    this.db
      .prepare('UPDATE runs SET ended_at = ?, exit_code = ?, exit_signal = ? WHERE id = ?')
      .run(end.endedAt, end.exitCode ?? null, end.exitSignal ?? null, runId);
  }

  addSeries(runId: number, info: SeriesInfo): number {
    const result = this.db
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
    this.db
      .prepare('UPDATE series SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL')
      .run(endedAt, reason, seriesId);
  }

  setVerdict(seriesId: number, verdict: unknown): void {
    this.db.prepare('UPDATE series SET verdict = ? WHERE id = ?').run(JSON.stringify(verdict), seriesId);
  }

  /** Everything buffered since the last flush, in one transaction (one fsync in WAL mode). */
  write(batch: {
    samples: readonly SampleRow[];
    markers: readonly (Marker & { runId: number })[];
    notes: readonly (Note & { runId: number })[];
  }): void {
    this.db.transaction(() => {
      for (const s of batch.samples) {
        this.insertSample.run(s.seriesId, this.metricId(s.metric), Math.round(s.t), s.value);
      }
      for (const m of batch.markers)
        this.insertMarker.run(m.runId, Math.round(m.t), m.event, m.name, m.pid ?? null);
      for (const n of batch.notes)
        this.insertNote.run(n.runId, n.seriesId ?? null, Math.round(n.t), n.kind, n.text);
    })();
  }

  private metricId(metric: Metric): number {
    const id = this.metricIds.get(metric);
    if (id === undefined) throw new Error(`unknown metric ${metric}`);
    return id;
  }

  /** The most recent runs first. */
  listRuns(limit = 20): RunSummary[] {
    const rows = this.db
      .prepare(
        `SELECT r.*,
           (SELECT COUNT(*) FROM series s WHERE s.run_id = r.id) AS series_count,
           (SELECT COUNT(*) FROM samples x JOIN series s ON s.id = x.series_id WHERE s.run_id = r.id) AS sample_count
         FROM runs r ORDER BY r.id DESC LIMIT ?`,
      )
      .all(limit) as (RunRow & { series_count: number; sample_count: number })[];
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
        ...runInfo(row),
        series: row.series_count,
        samples: row.sample_count,
        peakBytes: peak?.peak ?? undefined,
        verdict: primary?.verdict ? JSON.parse(primary.verdict) : undefined,
      };
    });
  }

  /** The id of the latest run, if any. */
  lastRunId(): number | undefined {
    const row = this.db.prepare('SELECT MAX(id) AS id FROM runs').get() as { id: number | null };
    return row.id ?? undefined;
  }

  loadRun(runId: number): Recording {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
    if (!row) {
      throw new NotFoundError(`no run ${runId} in ${this.path}`, {
        hint: 'list the recordings with `hog runs`',
      });
    }
    const names = new Map([...this.metricIds].map(([name, id]) => [id, name]));
    const seriesRows = this.db
      .prepare('SELECT * FROM series WHERE run_id = ? ORDER BY id')
      .all(runId) as SeriesRow[];
    const sampleQuery = this.db.prepare(
      'SELECT metric_id, t, value FROM samples WHERE series_id = ? ORDER BY metric_id, t',
    );
    const series: RecordedSeries[] = seriesRows.map((s) => {
      const metrics: Partial<Record<Metric, Sample[]>> = {};
      for (const x of sampleQuery.iterate(s.id) as Iterable<{
        metric_id: number;
        t: number;
        value: number;
      }>) {
        const name = names.get(x.metric_id);
        if (!name) continue;
        let list = metrics[name];
        if (!list) {
          list = [];
          metrics[name] = list;
        }
        list.push({ t: x.t, bytes: x.value });
      }
      return { id: s.id, ...seriesInfo(s), metrics };
    });
    const markers = (
      this.db
        .prepare('SELECT t, event, name, pid FROM markers WHERE run_id = ? ORDER BY t, id')
        .all(runId) as {
        t: number;
        event: 'enter' | 'exit';
        name: string;
        pid: number | null;
      }[]
    ).map((m) => ({ t: m.t, event: m.event, name: m.name, pid: m.pid ?? undefined }));
    const notes = (
      this.db
        .prepare('SELECT t, kind, text, series_id FROM notes WHERE run_id = ? ORDER BY t, id')
        .all(runId) as {
        t: number;
        kind: string;
        text: string;
        series_id: number | null;
      }[]
    ).map((n) => ({ t: n.t, kind: n.kind, text: n.text, seriesId: n.series_id ?? undefined }));
    return { run: runInfo(row), series, markers, notes, source: `run ${runId} in ${this.path}` };
  }

  /**
   * Series with a stored verdict that were recorded since `sinceMs` (or are still being recorded),
   * newest first: what the doctor judges the machine's recent history by.
   */
  recentSeries(sinceMs: number): (SeriesInfo & { id: number; runId: number; verdict: unknown })[] {
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
  }
}

interface RunRow {
  id: number;
  kind: RunKind;
  command: string;
  host: string;
  started_at: number;
  ended_at: number | null;
  interval_ms: number | null;
  exit_code: number | null;
  exit_signal: string | null;
}

interface SeriesRow {
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

function runInfo(row: RunRow): RunInfo {
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
  };
}

function seriesInfo(s: SeriesRow): SeriesInfo {
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

/**
 * mkdir -p, one level at a time. Node 20's mkdirSync({ recursive: true }) never returns for a path
 * under /proc (it loops on the error procfs gives), so a --db there would hang hog.
 */
function ensureDirectory(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) ensureDirectory(parent);
  try {
    mkdirSync(dir);
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  }
}

/**
 * Apply the migrations this file has not seen yet; refuse a file written by a newer hog. The check and
 * the migrations run in one IMMEDIATE transaction, so two hogs creating the same new file at once do
 * not both create the tables: the second waits (busy_timeout), then finds them there.
 */
function migrate(db: Database.Database, path: string): void {
  const apply = db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new UnsupportedError(
        `the store ${path} has schema version ${version}, newer than this hog understands (${MIGRATIONS.length})`,
        { hint: 'upgrade hog, or use another store with --db FILE' },
      );
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }
  });
  try {
    apply.immediate();
  } catch (error) {
    db.close();
    throw error;
  }
}
