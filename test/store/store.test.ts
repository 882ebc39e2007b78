import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { NotFoundError, UnsupportedError } from '../../src/errors.js';
import { HOG_APPLICATION_ID } from '../../src/store/identity.js';
import { defaultDbPath } from '../../src/store/paths.js';
import { MIGRATIONS } from '../../src/store/schema.js';
import { Store } from '../../src/store/store.js';

const dir = mkdtempSync(join(tmpdir(), `hog-issue3-store-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('store location', () => {
  it('follows XDG: $XDG_DATA_HOME/hog/hog.db, else ~/.local/share/hog/hog.db; HOG_DB wins', () => {
    expect(defaultDbPath({ XDG_DATA_HOME: '/x/data' }, '/home/u')).toBe('/x/data/hog/hog.db');
    expect(defaultDbPath({}, '/home/u')).toBe('/home/u/.local/share/hog/hog.db');
    expect(defaultDbPath({ XDG_DATA_HOME: 'relative' }, '/home/u')).toBe('/home/u/.local/share/hog/hog.db');
    expect(defaultDbPath({ HOG_DB: '/tmp/h.db', XDG_DATA_HOME: '/x' }, '/home/u')).toBe('/tmp/h.db');
  });
});

describe('the SQLite store', () => {
  it("creates the file and its directory with the schema and hog's mark, and reads back a run", () => {
    const path = join(dir, 'a', 'b', 'hog.db');
    const store = Store.open(path, { create: true });
    const run = store.createRun({
      kind: 'run',
      command: 'node app.js',
      host: 'h',
      startedAt: 1000,
      intervalMs: 100,
    });
    const main = store.addSeries(run, {
      role: 'main',
      pid: 42,
      startTicks: 7,
      name: 'node',
      command: 'node app.js',
      startedAt: 1000,
    });
    const child = store.addSeries(run, { role: 'child', pid: 43, name: 'sh', command: '', startedAt: 1100 });
    store.write({
      samples: [
        { seriesId: main, metric: 'rss', t: 1000, value: 10 },
        { seriesId: main, metric: 'rss', t: 1100, value: 20 },
        { seriesId: main, metric: 'heap_used', t: 1100, value: 5 },
        { seriesId: child, metric: 'rss', t: 1100, value: 3 },
      ],
      markers: [{ runId: run, t: 1050, event: 'enter', name: 'f', pid: 42 }],
      notes: [{ runId: run, t: 1200, kind: 'exited', text: 'PID 43 exited', seriesId: child }],
    });
    store.endSeries(child, 1200, 'exited');
    store.setVerdict(main, { class: 'stable' });
    store.endRun(run, { endedAt: 1300, exitCode: 0 });
    store.close();

    const again = Store.open(path, { create: false });
    const recording = again.loadRun(run);
    expect(recording.run).toMatchObject({
      id: run,
      kind: 'run',
      command: 'node app.js',
      exitCode: 0,
      endedAt: 1300,
    });
    expect(recording.series[0]?.metrics.rss).toEqual([
      { t: 1000, bytes: 10 },
      { t: 1100, bytes: 20 },
    ]);
    expect(recording.series[0]?.metrics.heap_used).toEqual([{ t: 1100, bytes: 5 }]);
    expect(recording.series[1]).toMatchObject({ role: 'child', pid: 43, endReason: 'exited', endedAt: 1200 });
    expect(recording.markers).toEqual([{ t: 1050, event: 'enter', name: 'f', pid: 42 }]);
    expect(recording.notes[0]).toMatchObject({ text: 'PID 43 exited', seriesId: child });
    const [summary] = again.listRuns();
    expect(summary).toMatchObject({
      id: run,
      series: 2,
      samples: 4,
      peakBytes: 20,
      verdict: { class: 'stable' },
    });
    expect(again.lastRunId()).toBe(run);
    expect(again.recentSeries(0).map((s) => s.id)).toEqual([main]);
    again.close();

    const raw = new Database(path, { readonly: true });
    // WAL while recording; back to a rollback journal once the last writer closed it (readers who
    // cannot write the directory need no -shm file then)
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(raw.pragma('application_id', { simple: true })).toBe(HOG_APPLICATION_ID);
    raw.close();
  });

  it('never creates a file when only reading, and says how to record one', () => {
    const path = join(dir, 'missing.db');
    expect(() => Store.open(path, { create: false })).toThrow(NotFoundError);
    expect(Store.exists(path)).toBe(false);
  });

  it('refuses a store written by a newer hog, and an unwritable location, with hints', () => {
    const path = join(dir, 'newer.db');
    const raw = new Database(path);
    raw.pragma(`application_id = ${HOG_APPLICATION_ID}`);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => Store.open(path, { create: true })).toThrow(UnsupportedError);
    // a path that cannot be made (and under /proc, where Node's recursive mkdir would never return)
    try {
      Store.open('/proc/hog-cannot-be-here/hog.db', { create: true });
      expect.unreachable();
    } catch (error) {
      expect((error as { hint?: string }).hint).toMatch(/--db FILE/);
    }
  });

  it('lets two writers create and use the same new file at once (migrations run once)', async () => {
    const path = join(dir, 'shared.db');
    const stores = [Store.open(path, { create: true }), Store.open(path, { create: true })];
    const runs = stores.map((s, i) =>
      s.createRun({ kind: 'watch', command: `w${i}`, host: 'h', startedAt: i }),
    );
    expect(new Set(runs).size).toBe(2);
    for (const s of stores) s.close();
  });
});
