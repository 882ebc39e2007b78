import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aggregateMinutes, applyRetention, MINUTE_MS, usedBytes } from '../../src/store/serveRetention.js';
import { seriesPoints } from '../../src/store/serveSeries.js';
import { ServeWriter } from '../../src/store/serveWriter.js';
import { Store } from '../../src/store/store.js';
import { tick } from '../serve/ticks.js';

const dir = mkdtempSync(join(tmpdir(), `hog-serve-retention-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3600_000;
const T0 = Date.UTC(2030, 0, 1);

function openStore(name: string) {
  const store = Store.openForWriting(join(dir, name));
  return { store, db: store.connection(), writer: new ServeWriter(store.connection()) };
}

describe('serve retention', () => {
  it('averages each completed minute once, and deletes raw rows past the raw window (whole minutes)', () => {
    const { store, db, writer } = openStore('downsample.db');
    // minute 0: available 1000, 2000, 3000 (avg 2000); minute 1: 5000, 7000 (avg 6000); minute 2: 9000
    const values = [
      [0, 1000],
      [20_000, 2000],
      [40_000, 3000],
      [60_000, 5000],
      [90_000, 7000],
      [120_000, 9000],
    ] as const;
    for (const [dt, available] of values) writer.writeTick(tick(T0 + dt, { available, rss: available * 2 }));
    // now = T0 + 2.5 min: minutes 0 and 1 are complete (minute 2 is in progress); with a raw window
    // of 1 min the raw cut is T0 + 1 min (whole minutes only): minute 0's raw rows go
    const policy = { rawMs: MINUTE_MS, minuteMs: 30 * 24 * HOUR, maxBytes: 1024 ** 3 };
    const result = applyRetention(db, T0 + 150_000, policy);
    expect(result.downsampled).toBe(12); // 3 rows in each of the 4 raw tables
    expect(db.prepare('SELECT t, mem_available, load5 FROM serve_host_minute').raw().all()).toEqual([
      [T0, 2000, 2],
      [T0 + 60_000, 6000, 2],
    ]);
    expect(db.prepare('SELECT t, rss FROM serve_process_minute').raw().all()).toEqual([
      [T0, 4000],
      [T0 + 60_000, 12000],
    ]);
    expect(db.prepare('SELECT t FROM serve_host ORDER BY t').pluck().all()).toEqual([
      T0 + 60_000,
      T0 + 90_000,
      T0 + 120_000,
    ]);
    // a later pass averages minute 2 only, and leaves the others as they were (their raw rows are
    // gone by then: averaging them again would change them)
    applyRetention(db, T0 + 190_000, policy);
    expect(db.prepare('SELECT t, mem_available FROM serve_host_minute ORDER BY t').raw().all()).toEqual([
      [T0, 2000],
      [T0 + 60_000, 6000],
      [T0 + 120_000, 9000],
    ]);
    expect(db.prepare('SELECT t FROM serve_host').pluck().all()).toEqual([T0 + 120_000]);
    // a short window reads the raw rows, and minute rows where the raw ones are gone
    const points = seriesPoints(db, {
      table: 'serve_host',
      values: ['mem_available'],
      from: T0,
      to: T0 + 200_000,
      maxPoints: 1000,
    });
    expect(points).toEqual([
      [T0, 2000],
      [T0 + 60_000, 6000],
      [T0 + 120_000, 9000],
    ]);
    store.close();
  });

  it('reads a long window from minute rows, plus the raw rows of the minute in progress', () => {
    const { store, db, writer } = openStore('long.db');
    // 3 h of ticks every 10 s; within minute m, available is 1000 * m + 0, 10, ..., 50 (average +25)
    for (let i = 0; i < 3 * 360; i++)
      writer.writeTick(tick(T0 + i * 10_000, { available: 1000 * Math.floor(i / 6) + (i % 6) * 10 }));
    const now = T0 + 3 * HOUR - 25_000; // half way through the last minute
    aggregateMinutes(db, now);
    const points = seriesPoints(db, {
      table: 'serve_host',
      values: ['mem_available'],
      from: T0,
      to: now,
      maxPoints: 1000,
    });
    // 179 complete minutes (one row each), then the last minute's raw rows up to now
    expect(points.length).toBe(179 + 4);
    expect(points[0]).toEqual([T0, 25]);
    expect(points[178]).toEqual([T0 + 178 * MINUTE_MS, 178_025]);
    expect(points.slice(179)).toEqual([
      [T0 + 179 * MINUTE_MS, 179_000],
      [T0 + 179 * MINUTE_MS + 10_000, 179_010],
      [T0 + 179 * MINUTE_MS + 20_000, 179_020],
      [T0 + 179 * MINUTE_MS + 30_000, 179_030],
    ]);
    store.close();
  });

  it('drops minute rows older than the minute window, and the processes left without samples', () => {
    const { store, db, writer } = openStore('expire.db');
    writer.writeTick(tick(T0, { available: 100 }));
    writer.writeTick(tick(T0 + 10 * HOUR, { available: 200 }));
    const policy = { rawMs: HOUR, minuteMs: 5 * HOUR, maxBytes: 1024 ** 3 };
    applyRetention(db, T0 + 2 * HOUR, policy); // T0's minute averaged, its raw rows past the raw window
    expect(db.prepare('SELECT t FROM serve_host_minute').pluck().all()).toEqual([T0]);
    expect(db.prepare('SELECT t FROM serve_host').pluck().all()).toEqual([T0 + 10 * HOUR]);
    const result = applyRetention(db, T0 + 11 * HOUR, policy); // 11 h later: past the 5 h minute window
    expect(result.expired).toBe(4); // T0's minute row in each of the 4 minute tables
    expect(db.prepare('SELECT t FROM serve_host_minute').pluck().all()).toEqual([T0 + 10 * HOUR]);
    expect(db.prepare('SELECT t FROM serve_host').pluck().all()).toEqual([T0 + 10 * HOUR]);
    // the process still has its raw sample at T0 + 10 h: kept
    expect(db.prepare('SELECT pid FROM serve_process').pluck().all()).toEqual([100]);
    applyRetention(db, T0 + 30 * HOUR, policy);
    expect(db.prepare('SELECT COUNT(*) FROM serve_process').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM serve_mount').pluck().get()).toBe(0);
    store.close();
  });

  it('keeps the pages in use under the size bound by dropping the oldest hours first', () => {
    const { store, db, writer } = openStore('bounded.db');
    // a run of hog watch in the same file: never dropped
    const run = store.createRun({ kind: 'watch', command: 'x', host: 'h', startedAt: T0 });
    // 48 h of one tick per minute, each with 20 processes: a few MiB
    for (let m = 0; m < 48 * 60; m++) {
      const t = tick(T0 + m * MINUTE_MS, { available: m });
      const [first] = t.processes;
      if (!first) throw new Error('tick() makes one process');
      t.processes = Array.from({ length: 20 }, (_, i) => ({
        ...first,
        pid: 1000 + i,
        startTicks: i,
      }));
      writer.writeTick(t);
    }
    const before = usedBytes(db);
    const max = Math.floor(before / 3);
    const result = applyRetention(db, T0 + 48 * HOUR, {
      rawMs: 100 * HOUR,
      minuteMs: 100 * HOUR,
      maxBytes: max,
    });
    expect(usedBytes(db)).toBeLessThanOrEqual(max);
    expect(result.droppedForSize).toBeGreaterThan(0);
    // the newest tick is still there, the oldest is gone
    expect(db.prepare('SELECT MAX(t) FROM serve_host').pluck().get()).toBe(T0 + (48 * 60 - 1) * MINUTE_MS);
    const oldest = db.prepare('SELECT MIN(t) FROM serve_host').pluck().get() as number;
    expect(oldest).toBe(T0 + result.droppedForSize * HOUR);
    expect(store.listRuns().map((r) => r.id)).toEqual([run]);
    store.close();
  });
});
