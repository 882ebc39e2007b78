/**
 * A memory chart laid out as a scene of plain shapes (lines, rectangles, text) in pixel coordinates:
 * one layout that the SVG writer and the PNG rasterizer both draw, so the two always agree. Pure.
 * Memory in MiB on y (from 0, as mprof plots it), time in seconds since the start on x.
 */
import type { Sample } from '../memory/envelope.js';

export interface ChartLine {
  label: string;
  color: string;
  points: readonly Sample[];
  width?: number;
  dashed?: boolean;
}

export interface ChartSpan {
  name: string;
  start: number;
  end?: number | undefined;
}

export interface ChartInput {
  title: string;
  subtitle: string;
  lines: ChartLine[];
  /** The fitted trend, drawn as a dashed line with its label (mprof plot --slope). */
  trend?: { from: Sample; to: Sample; label: string; color: string } | undefined;
  /** The verdict, written in the top-left corner of the plot in its colour. */
  annotation?: { text: string; color: string } | undefined;
  spans: ChartSpan[];
}

export type SceneItem =
  | { kind: 'line'; points: [number, number][]; color: string; width: number; dashed?: boolean }
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string; opacity: number }
  | {
      kind: 'text';
      x: number;
      y: number;
      text: string;
      color: string;
      anchor: 'start' | 'middle' | 'end';
      bold?: boolean;
    };

export interface Scene {
  width: number;
  height: number;
  background: string;
  items: SceneItem[];
}

const MiB = 1024 * 1024;
/** Glyph cell of the bitmap font the PNG uses; the SVG uses a monospace font of the same size. */
export const CHAR_WIDTH = 6;
export const LINE_HEIGHT = 13;
export const BOLD_CHAR_WIDTH = 7;

/** Round tick steps (1, 2, 5 × 10^n) giving about `count` ticks over [0, max]. */
export function niceTicks(max: number, count = 6): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks[ticks.length - 1] as number) < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

/**
 * M4 decimation (Jugel et al., "M4: a visualization-oriented time series data aggregation", VLDB 2014):
 * of each pixel column keep the first, lowest, highest and last point, in time order. A line drawn
 * through them covers the same pixels as the full series, so a one-sample spike survives and a 9-hour
 * 10 Hz recording (324k samples) becomes at most 4 points per column.
 */
export function thin(points: readonly [number, number][]): [number, number][] {
  if (points.length < 5) return points.slice();
  const out: [number, number][] = [];
  let start = 0;
  while (start < points.length) {
    const column = Math.round((points[start] as [number, number])[0]);
    let end = start + 1;
    // screen y grows downwards: the lowest memory has the largest y
    let low = start;
    let high = start;
    while (end < points.length && Math.round((points[end] as [number, number])[0]) === column) {
      const y = (points[end] as [number, number])[1];
      if (y > (points[low] as [number, number])[1]) low = end;
      if (y < (points[high] as [number, number])[1]) high = end;
      end++;
    }
    const kept = [start, low, high, end - 1].sort((a, b) => a - b);
    for (let i = 0; i < kept.length; i++) {
      if (i === 0 || kept[i] !== kept[i - 1]) out.push(points[kept[i] as number] as [number, number]);
    }
    start = end;
  }
  return out;
}

/** Time range and highest memory of every line and the trend, by loops: 324k samples overflow a spread. */
function extent(input: ChartInput): { t0: number; t1: number; maxBytes: number } {
  let t0 = input.trend?.from.t ?? Number.POSITIVE_INFINITY;
  let t1 = input.trend?.to.t ?? Number.NEGATIVE_INFINITY;
  let maxBytes = Math.max(0, input.trend?.to.bytes ?? 0);
  for (const line of input.lines) {
    for (const p of line.points) {
      if (p.t < t0) t0 = p.t;
      if (p.t > t1) t1 = p.t;
      if (p.bytes > maxBytes) maxBytes = p.bytes;
    }
  }
  return { t0, t1, maxBytes };
}

/** The plot area and its scales: where a time and a size go on the canvas. */
interface PlotFrame {
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** The last time drawn (a span still open ends there). */
  t1: number;
  /** Seconds from the first time to the last (1 when there is none). */
  span: number;
  yTicks: number[];
  xTicks: number[];
  x: (t: number) => number;
  y: (bytes: number) => number;
}

function plotFrame(input: ChartInput, width: number, height: number, legendRows: number): PlotFrame {
  const left = 64;
  const right = width - 16;
  const top = 60;
  const bottom = height - 40 - legendRows * LINE_HEIGHT;
  const { t0, t1, maxBytes } = extent(input);
  const span = Number.isFinite(t1 - t0) && t1 > t0 ? (t1 - t0) / 1000 : 1;
  const yTicks = niceTicks((maxBytes / MiB) * 1.05 || 1);
  const yMax = yTicks[yTicks.length - 1] as number;
  const xTicks = niceTicks(span, 8).filter((v) => v <= span * 1.0001);
  return {
    left,
    right,
    top,
    bottom,
    t1,
    span,
    yTicks,
    xTicks,
    x: (t) => left + ((t - t0) / 1000 / span) * (right - left),
    y: (bytes) => bottom - (bytes / MiB / yMax) * (bottom - top),
  };
}

export function layoutChart(input: ChartInput, width = 960, height = 540): Scene {
  const legendRows = Math.ceil(input.lines.length / 4);
  const f = plotFrame(input, width, height, legendRows);
  const items: SceneItem[] = [
    { kind: 'text', x: f.left, y: 18, text: input.title, color: '#111111', anchor: 'start', bold: true },
    { kind: 'text', x: f.left, y: 34, text: input.subtitle, color: '#555555', anchor: 'start' },
  ];
  // function spans under everything else, like mprof's brackets
  spanItems(input.spans, f, items);
  gridItems(f, items);
  for (const line of input.lines) {
    const points = thin(line.points.map((p) => [f.x(p.t), f.y(p.bytes)] as [number, number]));
    items.push({
      kind: 'line',
      points,
      color: line.color,
      width: line.width ?? 1.5,
      ...(line.dashed ? { dashed: true } : {}),
    });
  }
  // the verdict is drawn over the trend, and the slope label keeps clear of its box
  const verdict = input.annotation ? verdictItems(input.annotation, f.left, f.top) : undefined;
  if (input.trend) trendItems(input.trend, f, verdict?.box, items);
  if (verdict) items.push(verdict.rect, verdict.text);
  legendItems(input.lines, f, height, legendRows, items);
  return { width, height, background: '#ffffff', items };
}

function spanItems(spans: ChartInput['spans'], f: PlotFrame, items: SceneItem[]): void {
  const spanColors = ['#fde68a', '#bfdbfe', '#c7f9cc', '#fbcfe8', '#ddd6fe'];
  const names = [...new Set(spans.map((s) => s.name))];
  for (const s of spans.slice(0, 200)) {
    const x0 = Math.max(f.left, f.x(s.start));
    const x1 = Math.min(f.right, f.x(s.end ?? f.t1));
    const color = spanColors[names.indexOf(s.name) % spanColors.length] as string;
    items.push({
      kind: 'rect',
      x: x0,
      y: f.top,
      w: Math.max(1, x1 - x0),
      h: f.bottom - f.top,
      fill: color,
      opacity: 0.45,
    });
    items.push({ kind: 'text', x: x0 + 2, y: f.top + 12, text: s.name, color: '#6b4f00', anchor: 'start' });
  }
}

/** Grid lines with their tick labels, the axes and their units. */
function gridItems(f: PlotFrame, items: SceneItem[]): void {
  const { left, right, top, bottom, span, yTicks, xTicks } = f;
  const yStep = (yTicks[1] ?? 1) - (yTicks[0] ?? 0);
  const xStep = (xTicks[1] ?? 1) - (xTicks[0] ?? 0);
  for (const v of yTicks) {
    const py = f.y(v * MiB);
    items.push({
      kind: 'line',
      points: [
        [left, py],
        [right, py],
      ],
      color: '#e5e7eb',
      width: 1,
    });
    items.push({
      kind: 'text',
      x: left - 6,
      y: py + 4,
      text: formatTick(v, yStep),
      color: '#333333',
      anchor: 'end',
    });
  }
  for (const v of xTicks) {
    const px = left + (v / span) * (right - left);
    items.push({
      kind: 'line',
      points: [
        [px, top],
        [px, bottom],
      ],
      color: '#f0f0f0',
      width: 1,
    });
    items.push({
      kind: 'text',
      x: px,
      y: bottom + 16,
      text: formatTick(v, xStep),
      color: '#333333',
      anchor: 'middle',
    });
  }
  items.push({
    kind: 'line',
    points: [
      [left, top],
      [left, bottom],
      [right, bottom],
    ],
    color: '#333333',
    width: 1,
  });
  items.push({ kind: 'text', x: left - 6, y: top - 12, text: 'MiB', color: '#333333', anchor: 'end' });
  items.push({ kind: 'text', x: right, y: bottom + 30, text: 'time (s)', color: '#333333', anchor: 'end' });
}

/** The trend line and its slope label, kept off the verdict's box. */
function trendItems(
  trend: NonNullable<ChartInput['trend']>,
  f: PlotFrame,
  verdictBox: Box | undefined,
  items: SceneItem[],
): void {
  const { from, to, color, label } = trend;
  items.push({
    kind: 'line',
    points: [
      [f.x(from.t), f.y(from.bytes)],
      [f.x(to.t), f.y(to.bytes)],
    ],
    color,
    width: 2,
    dashed: true,
  });
  const text: SceneItem = {
    kind: 'text',
    x: Math.max(f.left, Math.min(f.x(to.t), f.right - label.length * CHAR_WIDTH)),
    y: Math.max(f.top + 12, f.y(to.bytes) - 8),
    text: label,
    color,
    anchor: 'start',
  };
  // a line that ends high puts its label on the verdict: below the line's end, or below the verdict
  if (verdictBox && intersects(textBox(text), verdictBox)) text.y = f.y(to.bytes) + 16;
  if (verdictBox && intersects(textBox(text), verdictBox)) text.y = verdictBox.y + verdictBox.h + 12;
  items.push(text);
}

/** The legend, four entries a row, under the plot. */
function legendItems(
  lines: ChartInput['lines'],
  f: PlotFrame,
  height: number,
  legendRows: number,
  items: SceneItem[],
): void {
  lines.forEach((line, i) => {
    const lx = f.left + (i % 4) * Math.floor((f.right - f.left) / 4);
    const ly = height - 14 - (legendRows - 1 - Math.floor(i / 4)) * LINE_HEIGHT;
    items.push({
      kind: 'line',
      points: [
        [lx, ly - 4],
        [lx + 18, ly - 4],
      ],
      color: line.color,
      width: 2,
      ...(line.dashed ? { dashed: true } : {}),
    });
    items.push({ kind: 'text', x: lx + 24, y: ly, text: line.label, color: '#222222', anchor: 'start' });
  });
}

/** A tick label with as many decimals as the step between ticks has (step 0.5: "1.5"; 0.25: "0.75"). */
function formatTick(v: number, step: number): string {
  const decimals = (String(Number(step.toPrecision(6))).split('.')[1] ?? '').length;
  return v.toFixed(decimals);
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The box a text item covers: the glyph cells from the baseline up one line, 3 px of descent below. */
export function textBox(item: Extract<SceneItem, { kind: 'text' }>): Box {
  const w = item.text.length * (item.bold ? BOLD_CHAR_WIDTH : CHAR_WIDTH);
  const x = item.anchor === 'start' ? item.x : item.anchor === 'end' ? item.x - w : item.x - w / 2;
  return { x, y: item.y - LINE_HEIGHT + 3, w, h: LINE_HEIGHT };
}

export function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** The verdict in the top-left corner on a white box, and the box. */
function verdictItems(
  annotation: { text: string; color: string },
  left: number,
  top: number,
): { box: Box; rect: SceneItem; text: SceneItem } {
  const box: Box = {
    x: left + 6,
    y: top + 18,
    w: annotation.text.length * BOLD_CHAR_WIDTH + 8,
    h: LINE_HEIGHT + 6,
  };
  const text: SceneItem = {
    kind: 'text',
    x: left + 10,
    y: top + 32,
    text: annotation.text,
    color: annotation.color,
    anchor: 'start',
    bold: true,
  };
  return { box, rect: { kind: 'rect', ...box, fill: '#ffffff', opacity: 0.85 }, text };
}
