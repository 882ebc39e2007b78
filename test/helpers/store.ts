/** A store file of its own for each test file (named after the issue and the test's PID), and a look inside it. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export function tempDir(what: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `hog-issue3-${what}-${process.pid}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Samples of a run's series (RSS unless told), read straight from the SQLite file (as another process would). */
export function storedSamples(
  db: string,
  runId?: number,
  metric = 'rss',
): { seriesId: number; role: string; pid: number | null; t: number; value: number }[] {
  if (!existsSync(db)) return [];
  const raw = new Database(db, { readonly: true, fileMustExist: true });
  try {
    // the recorder may still be creating the schema
    if (!raw.prepare("SELECT 1 FROM sqlite_master WHERE name = 'samples'").get()) return [];
    return raw
      .prepare(
        `SELECT s.id AS seriesId, s.role, s.pid, x.t, x.value FROM samples x
         JOIN series s ON s.id = x.series_id JOIN metrics m ON m.id = x.metric_id
         WHERE m.name = ? AND (? IS NULL OR s.run_id = ?) ORDER BY x.t`,
      )
      .all(metric, runId ?? null, runId ?? null) as never;
  } finally {
    raw.close();
  }
}
