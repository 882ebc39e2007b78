/**
 * API points shaped into the columns uPlot draws: one x column (ms since the epoch; the charts run
 * uPlot with `ms: 1`) and one column per line, all of the same length, null where a line has no value.
 */
import type { Mount, NetInterface, ProcessSeries, Trend } from './wire.js';

export type Column = (number | null)[];
/** [xs, ...ys] as uPlot.AlignedData wants it. */
export type Columns = [number[], ...Column[]];

/** A [t, value] list as two columns. */
export function pointColumns(points: readonly (readonly [number, number])[]): Columns {
  const xs: number[] = [];
  const ys: Column = [];
  for (const [t, v] of points) {
    xs.push(t);
    ys.push(v);
  }
  return [xs, ys];
}

/**
 * The fitted line at time t: the server fits RSS = interceptBytes + slope * (t - from) over
 * [from, to] (docs/api.md, "trend"); outside that window the line is not drawn.
 */
export function trendAt(trend: Trend, t: number): number | null {
  if (t < trend.from || t > trend.to) return null;
  return trend.interceptBytes + (trend.slopeBytesPerSecond * (t - trend.from)) / 1000;
}

/** A process's RSS and, when the server fitted one, its trend line: [xs, rss, trend]. */
export function processColumns(series: ProcessSeries): Columns {
  const [xs, rss] = pointColumns(series.points);
  const trend = series.trend;
  const line: Column = xs.map((t) => (trend ? trendAt(trend, t) : null));
  return [xs, rss ?? [], line];
}

/** A network interface's rates in bits per second (as the tables print them): [xs, rx, tx]. */
export function netColumns(iface: NetInterface): Columns {
  const xs: number[] = [];
  const rx: Column = [];
  const tx: Column = [];
  for (const [t, r, w] of iface.points) {
    xs.push(t);
    rx.push(r * 8);
    tx.push(w * 8);
  }
  return [xs, rx, tx];
}

/**
 * A mount's used bytes, its size as a flat line, and the fill forecast: [xs, used, size, forecast].
 * The forecast starts at the last recorded point and runs at the recorded rate until the disk is full
 * or until `horizonMs` past the last point (a disk full in 30 days would squash a 10-minute history
 * into one pixel), whichever comes first. No forecast when the mount is not filling.
 */
export function diskColumns(mount: Mount, horizonMs: number): Columns {
  const [xs, used] = pointColumns(mount.points);
  const usedColumn = used ?? [];
  const size: Column = xs.map(() => mount.sizeBytes);
  const forecast: Column = xs.map(() => null);
  const lastT = xs[xs.length - 1];
  const lastUsed = usedColumn[usedColumn.length - 1];
  const fill = mount.fill;
  if (fill && fill.bytesPerSecond > 0 && lastT !== undefined && lastUsed != null) {
    forecast[forecast.length - 1] = lastUsed;
    const end = Math.min(fill.fullAt ?? Number.POSITIVE_INFINITY, lastT + horizonMs);
    if (end > lastT) {
      xs.push(end);
      usedColumn.push(null);
      size.push(mount.sizeBytes);
      forecast.push(Math.min(mount.sizeBytes, lastUsed + (fill.bytesPerSecond * (end - lastT)) / 1000));
    }
  }
  return [xs, usedColumn, size, forecast];
}

/** The last value of each line (not the x column), null for a line with none: what a chart shows last. */
export function lastValues(columns: Columns): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 1; i < columns.length; i++) {
    const column = columns[i] ?? [];
    let last: number | null = null;
    for (let j = column.length - 1; j >= 0; j--) {
      const v = column[j];
      if (v !== null && v !== undefined) {
        last = v;
        break;
      }
    }
    out.push(last);
  }
  return out;
}

/** The history's length in ms (0 for fewer than two points). */
export function spanOf(xs: readonly number[]): number {
  const first = xs[0];
  const last = xs[xs.length - 1];
  return first === undefined || last === undefined ? 0 : last - first;
}
