import { describe, expect, it } from 'vitest';
import {
  diskColumns,
  lastValues,
  netColumns,
  pointColumns,
  processColumns,
  spanOf,
  trendAt,
} from '../../src/serve/web/series.js';
import { eth0, fillingMount, growingSeries, T0 } from './webFixtures.js';

const MiB = 1024 * 1024;

describe('process series', () => {
  it('lays RSS and the fitted trend line on the same x column, the trend only inside its window', () => {
    const [xs, rss, trend] = processColumns(growingSeries);
    expect(xs).toEqual([T0, T0 + 10_000, T0 + 20_000, T0 + 30_000]);
    expect(rss).toEqual([64 * MiB, 65 * MiB, 66 * MiB, 67 * MiB]);
    // intercept at `from` (T0 + 10 s), +0.1 MiB/s
    expect(trend).toEqual([null, 64 * MiB, 65 * MiB, 66 * MiB]);
  });

  it('draws no trend line when the server fitted none', () => {
    const [, , trend] = processColumns({ ...growingSeries, trend: null });
    expect(trend).toEqual([null, null, null, null]);
  });

  it('evaluates the trend at a time', () => {
    const trend = growingSeries.trend;
    if (!trend) throw new Error('fixture has a trend');
    expect(trendAt(trend, T0 + 20_000)).toBe(65 * MiB);
    expect(trendAt(trend, T0 + 40_000)).toBeNull();
  });

  it('reads the last value of each line, skipping trailing gaps', () => {
    expect(lastValues(processColumns(growingSeries))).toEqual([67 * MiB, 66 * MiB]);
    expect(lastValues([[1, 2, 3], [5, null, null], []])).toEqual([5, null]);
  });
});

describe('disk series', () => {
  it('adds a forecast from the last point to the moment the disk is full', () => {
    const [xs, used, size, forecast] = diskColumns(fillingMount, 3_600_000);
    expect(xs).toEqual([T0, T0 + 60_000, T0 + 360_000]);
    expect(used).toEqual([640 * MiB, 700 * MiB, null]);
    expect(size).toEqual([1000 * MiB, 1000 * MiB, 1000 * MiB]);
    expect(forecast).toEqual([null, 700 * MiB, 1000 * MiB]);
  });

  it('stops the forecast at the horizon when the disk fills later than that', () => {
    const [xs, , , forecast] = diskColumns(fillingMount, 100_000);
    expect(xs[2]).toBe(T0 + 160_000);
    expect(forecast?.[2]).toBe(800 * MiB);
  });

  it('draws no forecast for a mount that is not filling', () => {
    const steady = { ...fillingMount, fill: { bytesPerSecond: 0, fullAt: null } };
    const [xs, , , forecast] = diskColumns(steady, 3_600_000);
    expect(xs).toHaveLength(2);
    expect(forecast).toEqual([null, null]);
  });

  it('leaves the mount it was given as it was', () => {
    diskColumns(fillingMount, 3_600_000);
    expect(fillingMount.points).toHaveLength(2);
  });
});

describe('network and generic series', () => {
  it('turns byte rates into bits per second, as the tables print them', () => {
    expect(netColumns(eth0)).toEqual([
      [T0, T0 + 5000],
      [8000, 1_000_000],
      [80, 20_000],
    ]);
  });

  it('splits [t, v] points into columns and measures their span', () => {
    const columns = pointColumns([
      [10, 1],
      [30, 2],
    ]);
    expect(columns).toEqual([
      [10, 30],
      [1, 2],
    ]);
    expect(spanOf(columns[0])).toBe(20);
    expect(spanOf([])).toBe(0);
  });
});
