/// <reference lib="dom" />
/**
 * One process: its RSS over time with the fitted trend line, its verdict, and for a Node.js process the
 * `hog heap` command that says which objects fill its heap.
 */
import { ApiError, getJson } from '../api.js';
import { verdictBadge } from '../badges.js';
import { Chart, type ChartSpec, COLORS } from '../chart.js';
import { badgeEl, el, facts, fill, panel } from '../dom.js';
import { formatBytes, formatSlope, verdictSlope } from '../format.js';
import { heapHint } from '../heapHint.js';
import { hrefOf } from '../route.js';
import { processColumns } from '../series.js';
import { windowed } from '../timeWindow.js';
import type { ProcessList, ProcessRow, ProcessSeries } from '../wire.js';
import { ChartSet, type Page } from './page.js';

const SPEC: ChartSpec = {
  name: 'process-rss',
  height: 320,
  format: (v) => formatBytes(v),
  bytes: true,
  lines: [
    { label: 'RSS', stroke: COLORS.rss, fill: 'rgba(47,111,222,0.08)' },
    { label: 'trend', stroke: COLORS.trend, dash: [6, 4] },
  ],
};

function heapPanel(pid: number, row: ProcessRow | undefined): HTMLElement | null {
  const hint = heapHint(pid, row?.isNode ?? false);
  if (!hint) return null;
  const code = el('code', { class: 'command' }, hint.command);
  const copy = el('button', { type: 'button', class: 'copy' }, 'copy');
  copy.addEventListener('click', () => {
    // the clipboard API needs a secure context (loopback is one; a token-guarded remote host is not)
    navigator.clipboard?.writeText(hint.command).then(
      () => fill(copy, 'copied'),
      () => window.getSelection()?.selectAllChildren(code),
    );
  });
  return panel(
    'Node.js heap',
    el('p', {}, 'Which objects fill this heap? On the machine, run:'),
    el('pre', {}, code, ' ', copy),
    el('p', { class: 'note' }, hint.note),
  );
}

function header(series: ProcessSeries, row: ProcessRow | undefined): HTMLElement {
  const rows: [string, Node | string][] = [
    ['verdict', el('span', {}, badgeEl(verdictBadge(series.verdict)), ' ', series.verdict.text)],
    ['trend', series.trend ? formatSlope(series.trend.slopeBytesPerSecond) : verdictSlope(series.verdict)],
  ];
  if (row) {
    rows.unshift(['RES now', formatBytes(row.rssBytes)], ['swap', formatBytes(row.swapBytes)]);
  } else {
    rows.unshift(['now', 'not among the recorded processes any more (exited, or fell out of the top)']);
  }
  rows.push(['command', el('code', { class: 'cmdline' }, series.command)]);
  return panel(`${series.name} (PID ${series.pid})`, facts(rows));
}

export function processPage(root: HTMLElement, pid: number): Page {
  const top = el('div');
  const slot = el('div', { class: 'chart-slot' });
  const heap = el('div');
  fill(
    root,
    el('p', { class: 'crumbs' }, el('a', { href: hrefOf({ page: 'memory' }) }, '← memory')),
    top,
    panel('Resident memory (RSS) and trend', slot),
    heap,
  );
  const charts = new ChartSet();

  return {
    async refresh(signal) {
      let series: ProcessSeries;
      try {
        series = await getJson<ProcessSeries>(windowed(`/api/v1/processes/${pid}/series`), signal);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          fill(
            root,
            el('h1', {}, `PID ${pid}`),
            el('p', { class: 'error' }, `hog serve never recorded PID ${pid}.`),
          );
          return;
        }
        throw error;
      }
      const list = await getJson<ProcessList>('/api/v1/processes', signal);
      const row = list.processes.find((p) => p.pid === pid);
      document.title = `hog · ${series.name} (${pid})`;
      fill(top, header(series, row));
      const columns = processColumns(series);
      charts.use(
        'rss',
        () => new Chart(slot, SPEC, columns),
        (c) => c.update(columns),
      );
      fill(heap, heapPanel(pid, row));
    },
    destroy() {
      charts.destroy();
    },
  };
}
