/**
 * The analysis subcommands of `hog heap` on snapshot files: summary, diff (two or three snapshots).
 * Each reads its files with a progress line on a terminal, analyses, and prints a table or --json.
 */
import { type AnalysedHeap, analyseSnapshot } from '../heap/analyse.js';
import { classesByConstructor, classesByRetainer, classesByType } from '../heap/classes.js';
import { compareSnapshots } from '../heap/diff.js';
import { findLeaks } from '../heap/leakClusters.js';
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

/** Read and analyse one snapshot, with "reading FILE 42%" on stderr when it is a terminal. */
export async function loadHeap(file: string, progress: boolean): Promise<AnalysedHeap> {
  const line = progress && process.stderr.isTTY ? openProgressLine(process.stderr) : undefined;
  let shown = -1;
  try {
    return await analyseSnapshot(file, {
      onProgress: (done, total) => {
        const percent = total > 0 ? Math.floor((100 * done) / total) : 0;
        if (percent === shown) return;
        shown = percent;
        line?.update(
          `reading ${file}: ${percent}% of ${formatBytes(total)}${percent === 100 ? ', computing dominators' : ''}`,
        );
      },
    });
  } finally {
    line?.stop();
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
  const { graph, dominators } = await loadHeap(file, flags.progress);
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
  const heaps: AnalysedHeap[] = [];
  for (const file of files) heaps.push(await loadHeap(file, flags.progress));
  const { output } = context;
  const [a, b, c] = heaps as [AnalysedHeap, AnalysedHeap, AnalysedHeap | undefined];
  if (c === undefined) {
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
  const report = findLeaks(a.graph, b.graph, c.graph, c.dominators);
  if (flags.json) {
    output.line(JSON.stringify({ snapshots: files, ...report }));
    return;
  }
  output.lines(renderLeaks(report, flags.top));
}
