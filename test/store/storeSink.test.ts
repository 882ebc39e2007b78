/**
 * The store sink under a lock: another connection holds BEGIN EXCLUSIVE, the flush keeps everything
 * (the run row included) and writes it once the lock is gone, with a note saying so; the buffer is
 * bounded and counts what it had to drop.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { MAX_PENDING, StoreSink } from '../../src/store/storeSink.js';
import { tempDir } from '../helpers/store.js';

const tmp = tempDir('sink');
afterAll(() => tmp.remove());

const run = { kind: 'watch' as const, command: 'w', host: 'h', startedAt: 1000, intervalMs: 100 };
const info = { role: 'main' as const, pid: 7, name: 'x', command: 'x', startedAt: 1000 };

describe('StoreSink', () => {
  it('keeps everything while another writer holds the lock and writes it all once it is free', () => {
    const path = join(tmp.dir, 'locked.db');
    Store.openForWriting(path).close();
    const other = new Database(path);
    other.exec('BEGIN EXCLUSIVE');
    const store = Store.openForWriting(path);
    store.setBusyTimeout(20);
    let now = 5000;
    const sink = new StoreSink(store, run, () => now);
    sink.addSeries(1, info);
    sink.samples([
      { seriesId: 1, metric: 'rss', t: 1100, value: 10 },
      { seriesId: 1, metric: 'rss', t: 1200, value: 20 },
    ]);
    sink.note({ t: 1150, kind: 'x', text: 'a note', seriesId: 1 });
    sink.verdict(1, { class: 'stable' });
    expect(sink.flush()).toBe(false);
    expect(sink.id).toBeUndefined();
    expect(sink.unwritten()).toEqual({ run: true, samples: 2, markers: 0, notes: 1, dropped: 0 });
    sink.samples([{ seriesId: 1, metric: 'rss', t: 1300, value: 30 }]);
    now = 7500;
    other.exec('COMMIT');
    other.close();
    expect(sink.flush()).toBe(true);
    expect(sink.id).toBe(1);
    // the note about the locked stretch is written by the next flush
    expect(sink.flush()).toBe(true);
    expect(sink.pending).toBe(false);
    const recording = store.loadRun(1);
    store.close();
    expect(recording.series[0]?.metrics.rss).toEqual([
      { t: 1100, bytes: 10 },
      { t: 1200, bytes: 20 },
      { t: 1300, bytes: 30 },
    ]);
    expect(recording.notes.map((n) => n.text)).toEqual([
      'a note',
      'the store was locked by another writer for 2.5s; what was recorded meanwhile was kept and written when it was free',
    ]);
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT verdict FROM series WHERE id = 1').pluck().get()).toBe('{"class":"stable"}');
    raw.close();
  });

  it('bounds what it keeps while locked, and counts what it dropped', () => {
    const path = join(tmp.dir, 'full.db');
    Store.openForWriting(path).close();
    const other = new Database(path);
    other.exec('BEGIN EXCLUSIVE');
    const store = Store.openForWriting(path);
    store.setBusyTimeout(1);
    const sink = new StoreSink(store, run);
    sink.addSeries(1, info);
    const rows = Array.from({ length: 1000 }, (_, t) => ({
      seriesId: 1,
      metric: 'rss' as const,
      t,
      value: t,
    }));
    for (let i = 0; i < MAX_PENDING / 1000 + 2; i++) sink.samples(rows);
    expect(sink.flush()).toBe(false);
    expect(sink.unwritten()).toMatchObject({ samples: MAX_PENDING, dropped: 2000 });
    other.exec('ROLLBACK');
    other.close();
    store.close();
  });
});
