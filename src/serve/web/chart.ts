/// <reference lib="dom" />
/**
 * A time-series chart: uPlot with the dashboard's look. x is ms since the epoch (uPlot's `ms: 1`),
 * y formatted by the caller (bytes, bits per second). After each draw the chart writes what it shows
 * into data attributes of its element, `data-last` (the last value of each line) and `data-last-pos`
 * (where series 1's last point sits on the canvas, in canvas pixels): the browser tests compare those
 * with the API and look for drawn pixels there.
 */
import uPlot from 'uplot';
import { byteIncrements, timeIncrements, timeTick } from './axes.js';
import type { Columns } from './series.js';
import { lastValues } from './series.js';

export interface Line {
  label: string;
  stroke: string;
  dash?: number[];
  fill?: string;
  width?: number;
}

export interface ChartSpec {
  /** Names the chart for tests and styles (data-chart). */
  name: string;
  height: number;
  lines: Line[];
  format: (value: number) => string;
  /** A sparkline: no axes, legend or cursor. */
  mini?: boolean;
  /** A fixed width (a sparkline in a table cell, whose width would follow its content); else the element's. */
  width?: number;
  /** Start the y axis at 0 (sizes of a whole: disk usage) instead of fitting the data. */
  fromZero?: boolean;
  /** The y values are bytes: ticks at round IEC values. */
  bytes?: boolean;
  /** The height of the y axis over a flat line (all values equal): 1 by default (1 byte). */
  flatSpan?: number;
}

export const COLORS = {
  rss: '#2f6fde',
  trend: '#d9480f',
  available: '#2b8a3e',
  swap: '#ae3ec9',
  pressure: '#e8590c',
  rx: '#1c7ed6',
  tx: '#f08c00',
  used: '#5f3dc4',
  size: '#868e96',
  forecast: '#e03131',
};

function optionsFor(spec: ChartSpec, width: number): uPlot.Options {
  const value = (_u: uPlot, v: number | null) => (v === null || v === undefined ? '-' : spec.format(v));
  const series: uPlot.Series[] = [
    {},
    ...spec.lines.map(
      (line): uPlot.Series => ({
        label: line.label,
        stroke: line.stroke,
        width: line.width ?? (spec.mini ? 1.5 : 2),
        value,
        ...(line.dash ? { dash: line.dash } : {}),
        ...(line.fill ? { fill: line.fill } : {}),
        // uPlot's default: dots only where points are far apart (a process seen once is one dot)
      }),
    ),
  ];
  const yRange: uPlot.Scale.Range = (_u, min, max) => {
    const low = spec.fromZero ? 0 : min;
    // a flat line (swap 0 B all along) still gets an axis, of a height that reads as "nothing"
    if (low === max) return [spec.fromZero ? 0 : low * 0.95, max * 1.05 + (spec.flatSpan ?? 1)];
    const pad = (max - low) * 0.08;
    return [spec.fromZero ? 0 : Math.max(0, low - pad), max + pad];
  };
  return {
    width,
    height: spec.height,
    ms: 1,
    series,
    scales: { x: { time: true }, y: { range: yRange } },
    legend: { show: !spec.mini },
    cursor: spec.mini ? { show: false } : { drag: { x: false, y: false } },
    axes: spec.mini
      ? [{ show: false }, { show: false }]
      : [
          {
            // uPlot's own time labels are 12-hour with the date under each; hog prints 24-hour time
            values: (_u, splits, _axis, _space, step) => splits.map((t) => timeTick(t, step)),
            incrs: timeIncrements(),
            // "14:05:30" needs ~55 px: keep labels from running into each other
            space: 70,
          },
          {
            size: 80,
            values: (_u, splits) => splits.map((v) => spec.format(v)),
            ...(spec.bytes ? { incrs: byteIncrements() } : {}),
          },
        ],
  };
}

export class Chart {
  readonly element: HTMLDivElement;
  private readonly plot: uPlot;
  private readonly resize: ResizeObserver;

  constructor(
    container: HTMLElement,
    private readonly spec: ChartSpec,
    columns: Columns,
  ) {
    this.element = document.createElement('div');
    this.element.className = spec.mini ? 'chart chart-mini' : 'chart';
    this.element.dataset.chart = spec.name;
    container.appendChild(this.element);
    const options = optionsFor(spec, this.widthNow());
    options.hooks = { draw: [(u) => this.describe(u)] };
    this.plot = new uPlot(options, columns as uPlot.AlignedData, this.element);
    this.resize = new ResizeObserver(() => {
      const width = this.widthNow();
      if (width !== this.plot.width) this.plot.setSize({ width, height: this.spec.height });
    });
    // the element, not its container: a mini chart moves to a new table row on each refresh
    this.resize.observe(this.element);
  }

  private widthNow(): number {
    // the element is a block: as wide as the cell or panel it sits in
    if (this.spec.width !== undefined) return this.spec.width;
    return Math.max(120, Math.floor(this.element.clientWidth || 600));
  }

  update(columns: Columns): void {
    this.plot.setData(columns as uPlot.AlignedData);
  }

  private describe(u: uPlot): void {
    const columns = u.data as unknown as Columns;
    const last = lastValues(columns);
    this.element.dataset.last = JSON.stringify(last);
    this.element.dataset.points = String(columns[0].length);
    const ys = columns[1] ?? [];
    for (let i = ys.length - 1; i >= 0; i--) {
      const y = ys[i];
      const x = columns[0][i];
      if (y === null || y === undefined || x === undefined) continue;
      const pos = [Math.round(u.valToPos(x, 'x', true)), Math.round(u.valToPos(y, 'y', true))];
      this.element.dataset.lastPos = JSON.stringify(pos);
      return;
    }
    delete this.element.dataset.lastPos;
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot.destroy();
    this.element.remove();
  }
}
