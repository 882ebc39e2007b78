/**
 * Text renderings of the heap analyses (hog heap summary, diff, leak): tables in the style of
 * DevTools' Summary and Comparison views and guppy's heap(); retainer paths as memlab prints them.
 */
import type { HeapDiff } from '../heap/diff.js';
import type { LeakCluster, LeakReport, PathStep } from '../heap/leakClusters.js';
import type { HeapSummary, SummaryRow } from '../heap/summary.js';
import { renderTable, type TableColumn } from './table.js';
import { formatBytes, formatCount, formatPercent } from './units.js';

export type SummarySort = 'retained' | 'shallow' | 'count';

export interface SummaryLine extends SummaryRow {
  countPercent: number;
  shallowPercent: number;
  /** Shallow percent of this row and every row above it. */
  cumulativePercent: number;
  retainedPercent: number;
}

/** Sorted, cut to the top N, with percentages of the whole heap (JSON and table share this). */
export function summaryLines(summary: HeapSummary, sort: SummarySort, top: number): SummaryLine[] {
  const key = { retained: 'retainedSize', shallow: 'shallowSize', count: 'count' } as const;
  const field = key[sort];
  const rows = [...summary.rows]
    .sort((a, b) => b[field] - a[field] || a.name.localeCompare(b.name))
    .slice(0, top);
  const percent = (part: number, whole: number): number => (whole > 0 ? (100 * part) / whole : 0);
  let cumulative = 0;
  return rows.map((row) => {
    cumulative += row.shallowSize;
    return {
      ...row,
      countPercent: percent(row.count, summary.nodeCount),
      shallowPercent: percent(row.shallowSize, summary.totalSize),
      cumulativePercent: percent(cumulative, summary.totalSize),
      retainedPercent: percent(row.retainedSize, summary.totalSize),
    };
  });
}

export function renderSummary(lines: SummaryLine[], label: string, width: number | undefined): string[] {
  const columns: TableColumn<SummaryLine>[] = [
    { header: 'COUNT', align: 'right', text: (r) => formatCount(r.count) },
    { header: '%', align: 'right', text: (r) => formatPercent(r.countPercent) },
    { header: 'SHALLOW', align: 'right', text: (r) => formatBytes(r.shallowSize) },
    { header: '%', align: 'right', text: (r) => formatPercent(r.shallowPercent) },
    { header: 'CUM %', align: 'right', text: (r) => formatPercent(r.cumulativePercent) },
    { header: 'RETAINED', align: 'right', text: (r) => formatBytes(r.retainedSize) },
    { header: '%', align: 'right', text: (r) => formatPercent(r.retainedPercent) },
    { header: label, align: 'left', text: (r) => r.name, flex: true },
  ];
  return renderTable(columns, lines, { width });
}

const signed = (n: number, text: string): string => (n > 0 ? `+${text}` : text);

export function renderDiff(diff: HeapDiff, top: number, width: number | undefined): string[] {
  const columns: TableColumn<HeapDiff['rows'][number]>[] = [
    { header: '# NEW', align: 'right', text: (r) => formatCount(r.added) },
    { header: '# DELETED', align: 'right', text: (r) => formatCount(r.deleted) },
    { header: '# DELTA', align: 'right', text: (r) => signed(r.countDelta, formatCount(r.countDelta)) },
    { header: 'ALLOC SIZE', align: 'right', text: (r) => formatBytes(r.addedSize) },
    { header: 'FREED SIZE', align: 'right', text: (r) => formatBytes(r.deletedSize) },
    { header: 'SIZE DELTA', align: 'right', text: (r) => signed(r.sizeDelta, formatBytes(r.sizeDelta)) },
    { header: 'CONSTRUCTOR', align: 'left', text: (r) => r.name, flex: true },
  ];
  return renderTable(columns, diff.rows.slice(0, top), { width });
}

/** One step of a retainer path: ".leaks", "[12]", "table", as DevTools writes edge names. */
export function edgeLabel(step: PathStep): string {
  switch (step.edgeType) {
    case 'element':
    case 'hidden':
      return `[${step.edgeName}]`;
    case 'property':
      return `.${step.edgeName}`;
    case 'context':
      return `(variable ${step.edgeName})`;
    default:
      return `(${step.edgeType} ${step.edgeName})`;
  }
}

function pathLines(cluster: LeakCluster): string[] {
  const lines = ['    (root)'];
  for (const step of cluster.path) {
    const where = step.location
      ? ` at ${step.location.script}:${step.location.line}:${step.location.column}`
      : '';
    const what = step.type === 'synthetic' ? step.name : step.className;
    lines.push(`      ${edgeLabel(step)} -> ${what} @${step.id}${where}`);
  }
  return lines;
}

export function renderLeaks(report: LeakReport, top: number): string[] {
  const lines: string[] = [];
  const shown = report.clusters.slice(0, top);
  const trivia = report.trivia.filter((t) => t.count > 0).map((t) => `${t.rule} ${formatCount(t.count)}`);
  lines.push(
    `${formatCount(report.survivors)} objects allocated between the first two snapshots are still alive in the last; ` +
      `${report.clusters.length} cluster${report.clusters.length === 1 ? '' : 's'}`,
  );
  lines.push(
    `left out as trivia: ${trivia.length > 0 ? trivia.join(', ') : 'none'}; held through another candidate: ${formatCount(report.heldByOther)}`,
  );
  if (shown.length === 0) {
    lines.push('', 'no leak candidates: nothing new in the second snapshot is still held in the third');
    return lines;
  }
  shown.forEach((cluster, i) => {
    lines.push('');
    lines.push(
      `#${i + 1} ${cluster.className}: ${formatCount(cluster.count)} object${cluster.count === 1 ? '' : 's'}, ` +
        `retained ${formatBytes(cluster.retainedSize)} (e.g. @${cluster.sampleIds.join(', @')})`,
    );
    for (const line of pathLines(cluster)) lines.push(line);
  });
  if (report.clusters.length > shown.length)
    lines.push('', `${report.clusters.length - shown.length} smaller clusters not shown (--top)`);
  return lines;
}
