/// <reference lib="dom" />
/**
 * Memory per process: every recorded process with its RSS, swap and leak verdict, and for the largest
 * a sparkline of its RSS with the fitted trend line. A row opens the process's page.
 */
import { getJson } from '../api.js';
import { verdictBadge } from '../badges.js';
import { Chart, type ChartSpec, COLORS } from '../chart.js';
import { badgeEl, el, fill, panel, table } from '../dom.js';
import { formatBytes, verdictSlope } from '../format.js';
import { hrefOf } from '../route.js';
import { processColumns } from '../series.js';
import { windowed } from '../timeWindow.js';
import type { ProcessList, ProcessRow, ProcessSeries } from '../wire.js';
import { ChartSet, type Page } from './page.js';

/** How many rows get a sparkline (each is one more series request per sample). */
const SPARKLINES = 10;

const SPARK: ChartSpec = {
  name: 'process-spark',
  height: 36,
  width: 220,
  mini: true,
  format: (v) => formatBytes(v),
  bytes: true,
  lines: [
    { label: 'RSS', stroke: COLORS.rss },
    { label: 'trend', stroke: COLORS.trend, dash: [4, 3], width: 1 },
  ],
};

/** A PID is reused by the kernel: a process is its PID and its start time. */
const keyOf = (p: ProcessRow) => `${p.pid}:${p.startTicks}`;

export function memoryPage(root: HTMLElement, navigate: (href: string) => void): Page {
  const box = el('div');
  fill(root, el('h1', {}, 'Memory per process'), box);
  const charts = new ChartSet();

  return {
    async refresh(signal) {
      const list = await getJson<ProcessList>('/api/v1/processes', signal);
      const top = list.processes.slice(0, SPARKLINES);
      const series = await Promise.all(
        top.map((p) =>
          getJson<ProcessSeries>(windowed(`/api/v1/processes/${p.pid}/series`), signal).catch(() => null),
        ),
      );
      const sparkCells = new Map<string, HTMLElement>();
      const grid = processTable(list.processes, sparkCells, navigate);
      drawSparklines(top, series, sparkCells, charts);
      fill(
        box,
        panel(
          `${list.processes.length} recorded processes`,
          list.processes.length === 0 ? el('p', {}, 'No process recorded yet.') : grid,
        ),
      );
    },
    destroy() {
      charts.destroy();
    },
  };
}

/** One row per process, with an empty HISTORY cell (put in `sparkCells`); a click opens its page. */
function processTable(
  processes: ProcessRow[],
  sparkCells: Map<string, HTMLElement>,
  navigate: (href: string) => void,
): HTMLElement {
  const grid = table(
    ['PID', 'COMMAND', 'RES', 'SWAP', 'VERDICT', 'TREND', 'HISTORY'],
    processes,
    (p) => {
      const cell = el('div', { class: 'spark-cell' });
      sparkCells.set(keyOf(p), cell);
      return [
        `${p.pid}`,
        el('a', { href: hrefOf({ page: 'process', pid: p.pid }), title: p.command }, p.name),
        formatBytes(p.rssBytes),
        formatBytes(p.swapBytes),
        badgeEl(verdictBadge(p.verdict)),
        verdictSlope(p.verdict),
        cell,
      ];
    },
    (p) => ({ class: 'clickable', 'data-pid': `${p.pid}` }),
  );
  grid.addEventListener('click', (event) => {
    const row = (event.target as Element).closest('tr[data-pid]');
    if (row) navigate(hrefOf({ page: 'process', pid: Number(row.getAttribute('data-pid')) }));
  });
  return grid;
}

/** The largest processes' RSS sparklines, in their HISTORY cells; a chart is kept while its process is. */
function drawSparklines(
  top: ProcessRow[],
  series: (ProcessSeries | null)[],
  sparkCells: Map<string, HTMLElement>,
  charts: ChartSet,
): void {
  top.forEach((p, i) => {
    const data = series[i];
    const cell = sparkCells.get(keyOf(p));
    if (!data || !cell) return;
    const columns = processColumns(data);
    const chart = charts.use(
      keyOf(p),
      () => new Chart(cell, SPARK, columns),
      (c) => c.update(columns),
    );
    cell.appendChild(chart.element);
  });
  charts.sweep();
}
