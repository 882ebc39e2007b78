/**
 * The analysis subcommands of `hog heap` on snapshot files: summary, diff (two or three snapshots).
 * Each reads its files with a progress line on a terminal, analyses, and prints a table or --json.
 */
import { type AnalysedHeap, analyseSnapshot, readSnapshotIds } from '../heap/analyse.js';
import { classesByConstructor, classesByRetainer, classesByType } from '../heap/classes.js';
import { compareSnapshots } from '../heap/diff.js';
import { findLeaks } from '../heap/leakClusters.js';
import type { IdSet } from '../heap/nodeIds.js';
import { summarize } from '../heap/summary.js';
import {
  renderDiff,
  renderLeaks,
  renderSummary,
  type SummarySort,
  summaryLines,
} from '../render/heapReport.js';
import { openProgressLine } from '../render/progressLine.js';
import { formatBytes, formatCount } from '../render/units.js';
import type { CliContext } from './context.js';

export type SummaryBy = 'constructor' | 'type' | 'retainer';

export interface SummaryFlags {
  top: number;
  by: SummaryBy;
  sort: SummarySort;
  json?: boolean;
  progress: boolean;
}

export interface DiffFlags {
  top: number;
  json?: boolean;
  progress: boolean;
}

/** "reading FILE: 42% of 1.2 GiB" on stderr when it is a terminal; undefined otherwise. */
function readingProgress(file: string, progress: boolean, last: string) {
  const line = progress && process.stderr.isTTY ? openProgressLine(process.stderr) : undefined;
  let shown = -1;
  return {
    update: (done: number, total: number) => {
      const percent = total > 0 ? Math.floor((100 * done) / total) : 0;
      if (percent === shown) return;
      shown = percent;
      line?.update(`reading ${file}: ${percent}% of ${formatBytes(total)}${percent === 100 ? last : ''}`);
    },
    stop: () => line?.stop(),
  };
}

/** Read and analyse one snapshot (graph, dominators), with a progress line on a terminal. */
export async function loadHeap(
  file: string,
  progress: boolean,
  keep: { edgeNames?: boolean; ids?: boolean } = {},
): Promise<AnalysedHeap> {
  const line = readingProgress(file, progress, ', computing dominators');
  try {
    return await analyseSnapshot(file, { onProgress: line.update, ...keep });
  } finally {
    line.stop();
  }
}

/** Only the object ids of a snapshot, with a progress line on a terminal. */
export async function loadIds(file: string, progress: boolean): Promise<IdSet> {
  const line = readingProgress(file, progress, '');
  try {
    return await readSnapshotIds(file, { onProgress: line.update });
  } finally {
    line.stop();
  }
}

const LABELS: Record<SummaryBy, string> = {
  constructor: 'CONSTRUCTOR',
  type: 'TYPE',
  retainer: 'OBJECTS <- RETAINERS',
};

export async function runSummary(
  file: string,
  flags: SummaryFlags,
  context: CliContext,
  label = file,
): Promise<void> {
  // a summary shows no edge names and no ids: not keeping them saves 4 bytes an edge and 4 a node
  // (~0.6 GB on a 2 GB snapshot)
  const { graph, dominators } = await loadHeap(file, flags.progress, { edgeNames: false, ids: false });
  const constructors = flags.by === 'type' ? undefined : classesByConstructor(graph);
  const classes =
    flags.by === 'type'
      ? classesByType(graph)
      : flags.by === 'retainer'
        ? classesByRetainer(graph, constructors as ReturnType<typeof classesByConstructor>)
        : (constructors as ReturnType<typeof classesByConstructor>);
  const summary = summarize(graph, dominators, classes);
  const lines = summaryLines(summary, flags.sort, flags.top);
  const { output } = context;
  if (flags.json) {
    output.line(
      JSON.stringify({
        file: label,
        by: flags.by,
        nodeCount: summary.nodeCount,
        totalSize: summary.totalSize,
        groups: summary.rows.length,
        rows: lines,
      }),
    );
    return;
  }
  output.line(
    `${label}: ${formatCount(summary.nodeCount)} objects, ${formatBytes(summary.totalSize)} (sum of shallow sizes); ` +
      `by ${flags.by}, top ${lines.length} of ${formatCount(summary.rows.length)} by ${flags.sort} size`.replace(
        ' by count size',
        ' by count',
      ),
  );
  output.lines(renderSummary(lines, LABELS[flags.by], output.columns));
}

export async function runDiff(files: string[], flags: DiffFlags, context: CliContext): Promise<void> {
  const { output } = context;
  if (files.length === 2) {
    const a = await loadHeap(files[0] as string, flags.progress, { edgeNames: false });
    const b = await loadHeap(files[1] as string, flags.progress, { edgeNames: false });
    const diff = compareSnapshots(a.graph, b.graph);
    if (flags.json) {
      output.line(JSON.stringify({ files, ...diff }));
      return;
    }
    output.line(
      `${files[0]} -> ${files[1]}: ${formatCount(diff.before.nodeCount)} -> ${formatCount(diff.after.nodeCount)} objects, ` +
        `${formatBytes(diff.before.totalSize)} -> ${formatBytes(diff.after.totalSize)}`,
    );
    output.lines(renderDiff(diff, flags.top, output.columns));
    return;
  }
  const report = await leakReport(files as [string, string, string], flags.progress);
  if (flags.json) {
    output.line(JSON.stringify({ snapshots: files, ...report }));
    return;
  }
  output.lines(renderLeaks(report, flags.top));
}

/** memlab's method on three snapshot files; only the last one is kept whole in memory. */
export async function leakReport(files: [string, string, string], progress: boolean) {
  const inA = await loadIds(files[0], progress);
  const inB = await loadIds(files[1], progress);
  const c = await loadHeap(files[2], progress);
  return findLeaks(inA, inB, c.graph, c.dominators);
}
