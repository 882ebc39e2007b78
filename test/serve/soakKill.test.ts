/**
 * The part of the soak (issue 13) that is a correctness property, not a speed: `hog serve`'s database
 * survives kill -9 while serve records and answers requests. Several times over the same file: serve
 * records a watched process, answers its series, is killed with SIGKILL at a random moment between
 * ticks and requests; then `PRAGMA integrity_check` answers ok, no committed row is gone, and the next
 * serve opens the file and returns every point the killed one had served. (The 10-minute soak with its
 * RSS verdict and CPU budget is bench/serveSoak.mjs.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, metricsAfterTicks, type Serve, startServe } from '../deploy/serveProcess.js';
import { stopStartedHogs } from '../helpers/hog.js';
import { type Child, spawnAllocator } from '../helpers/processes.js';

const KILLS = 4;
// fast ticks: more of serve's time is spent writing, so a random kill lands in a write more often
const INTERVAL = '200ms';

interface SeriesBody {
  points: [number, number][];
}

// serve's history tables (src/store/serveSchema.ts): rows are only added within the raw retention
// (connections and findings are snapshots that each tick replaces, so they may shrink)
const HISTORY = ['serve_host', 'serve_process_sample', 'serve_fs_sample', 'serve_net_sample'];

/** integrity_check, foreign_key_check and the history's row counts (a WAL left by the kill is recovered). */
function check(path: string): { integrity: string[]; foreignKeys: unknown[]; rows: Map<string, number> } {
  const db = new Database(path, { fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map(
      (r) => r.integrity_check,
    );
    const foreignKeys = db.pragma('foreign_key_check') as unknown[];
    const rows = new Map(
      HISTORY.map((t) => [t, db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number]),
    );
    return { integrity, foreignKeys, rows };
  } finally {
    db.close();
  }
}

describe('hog serve killed with SIGKILL while recording', () => {
  const dir = mkdtempSync(join(tmpdir(), `hog-soak-kill-${process.pid}-`));
  const db = join(dir, 'serve.db');
  let allocator: Child;
  let serve: Serve | undefined;
  beforeAll(async () => {
    allocator = await spawnAllocator(8, { tag: 'hog-soak-kill-test' });
  });
  afterAll(async () => {
    await serve?.stop();
    await allocator?.stop();
    stopStartedHogs();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`leaves a consistent database that loses nothing it had served, ${KILLS} times over`, async () => {
    const pid = allocator.pid;
    // a window under 2 h: serve answers it from raw rows, one point per tick (a longer one reads the
    // 1-minute averages, which a restart completes, so the same ticks come back as one point)
    const series = `/api/v1/processes/${pid}/series?from=${Date.now() - 60_000}`;
    let rowsBefore = new Map<string, number>();
    let served: [number, number][] = [];
    for (let kill = 1; kill <= KILLS; kill++) {
      serve = await startServe(['--watch', String(pid)], { db, interval: INTERVAL });
      // the next serve starts from what the killed one had: every point it served is still there
      const { points } = JSON.parse(await getText(serve, series)) as SeriesBody;
      expect(points.slice(0, served.length)).toEqual(served);
      await metricsAfterTicks(serve, 3);
      served = (JSON.parse(await getText(serve, series)) as SeriesBody).points;
      expect(served.length).toBeGreaterThan(points.length);
      // requests in flight and the recorder ticking every INTERVAL, killed at a random moment
      const inFlight = Promise.allSettled([
        getText(serve, '/metrics'),
        getText(serve, '/api/v1/processes'),
        getText(serve, series),
      ]);
      await new Promise((r) => setTimeout(r, Math.random() * 400));
      serve.hog.child.kill('SIGKILL');
      expect(await serve.hog.done).toBe(null);
      expect(serve.hog.child.signalCode).toBe('SIGKILL');
      await inFlight;

      const { integrity, foreignKeys, rows } = check(db);
      expect(integrity).toEqual(['ok']);
      expect(foreignKeys).toEqual([]);
      for (const [table, count] of rowsBefore) {
        expect(rows.get(table) ?? 0, `rows of ${table} after kill ${kill}`).toBeGreaterThanOrEqual(count);
      }
      rowsBefore = rows;
    }
    // every run recorded at least 3 ticks of host memory, each tick committed whole
    expect(rowsBefore.get('serve_host')).toBeGreaterThanOrEqual(KILLS * 3);
  });
});
