/**
 * The line-by-line report: one table per profiled function, in memory_profiler's layout
 *
 *   Line #    Mem usage    Increment  Occurrences   Line Contents
 *   =============================================================
 *
 * with the original source lines. Pure: a run's results and the source texts in, a value out, which
 * prints as tables (lineTable.ts) or as --json.
 */
import type { FunctionIdentity, FunctionResult, ProfileMode } from './functionRecord.js';
import type { Metric } from './probe.js';
import type { SnapshotNote, ThreadResults } from './runtime.js';

export interface LineRow {
  line: number;
  /** Highest memory when the line finished (the header row: at entry); null = not run. */
  memUsage: number | null;
  increment: number | null;
  occurrences: number | null;
  content: string;
}

export interface FunctionReport {
  name: string;
  file: string;
  startLine: number;
  headerLine: number;
  endLine: number;
  mode: ProfileMode;
  calls: number;
  /** Sum of the line increments: how much the calls changed memory in total (suspensions excluded). */
  netIncrement: number;
  /** Highest memory measured anywhere in the function. */
  peak: number | null;
  rows: LineRow[];
}

export interface LineProfileReport {
  metric: Metric;
  measures: string;
  /** The metric before the program's first module loaded (Node.js and hog's own); for rss, hog profile
   * sets it to the reading taken as that module loads, with hog's module-loading thread up. */
  baseline: number | null;
  functions: FunctionReport[];
  /** Profiled functions the program defined but never called. */
  notCalled: FunctionIdentity[];
  snapshots: SnapshotNote[];
}

/** Source text of a file (lines), or undefined when it cannot be read. */
export type SourceLines = (file: string) => readonly string[] | undefined;

const key = (f: FunctionIdentity): string => `${f.path}\0${f.headerLine}`;

/** Results of all threads merged per function (a function run in two workers adds up). */
function mergeResults(threads: readonly ThreadResults[]): FunctionResult[] {
  const merged = new Map<string, FunctionResult>();
  for (const thread of threads) {
    for (const fn of thread.functions) {
      const existing = merged.get(key(fn));
      if (!existing) {
        merged.set(key(fn), { ...fn, lines: fn.lines.map((l) => ({ ...l })) });
        continue;
      }
      existing.calls += fn.calls;
      existing.entryPeak = maxOf(existing.entryPeak, fn.entryPeak);
      for (const line of fn.lines) {
        const same = existing.lines.find((l) => l.line === line.line);
        if (!same) existing.lines.push({ ...line });
        else {
          same.occurrences += line.occurrences;
          same.increment += line.increment;
          same.memUsage = maxOf(same.memUsage, line.memUsage);
        }
      }
    }
  }
  return [...merged.values()];
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

export function buildLineReport(
  threads: readonly ThreadResults[],
  declared: readonly FunctionIdentity[],
  sources: SourceLines,
): LineProfileReport {
  const results = mergeResults(threads);
  const called = new Set(results.filter((f) => f.calls > 0).map(key));
  const notCalled = new Map<string, FunctionIdentity>();
  for (const fn of declared) if (!called.has(key(fn))) notCalled.set(key(fn), fn);
  const first = threads.find((t) => t.threadId === 0) ?? threads[0];
  return {
    metric: first?.metric ?? 'heap',
    measures: first?.describes ?? '',
    baseline: first?.baseline ?? null,
    functions: results
      .filter((f) => f.calls > 0)
      .sort((a, b) => a.path.localeCompare(b.path) || a.startLine - b.startLine)
      .map((f) => functionReport(f, sources(f.path))),
    notCalled: [...notCalled.values()],
    snapshots: threads.flatMap((t) => t.snapshots),
  };
}

function functionReport(fn: FunctionResult, text: readonly string[] | undefined): FunctionReport {
  const byLine = new Map(fn.lines.map((l) => [l.line, l]));
  const rows: LineRow[] = [];
  let net = 0;
  let peak = fn.entryPeak;
  for (let line = fn.startLine; line <= fn.endLine; line++) {
    const stat = byLine.get(line);
    const content = text?.[line - 1] ?? '';
    if (line === fn.headerLine) {
      // the signature's row: memory at entry and the number of calls (plus anything run on that line)
      rows.push({
        line,
        memUsage: maxOf(fn.entryPeak, stat?.memUsage ?? null),
        increment: stat ? stat.increment : null,
        // a statement on the signature's line (a one-line function) runs once per call: the line ran
        // that often, not calls + that (memory_profiler counts line events, not calls plus lines)
        occurrences: Math.max(fn.calls, fn.mode === 'line' ? (stat?.occurrences ?? 0) : 0),
        content,
      });
    } else if (stat) {
      rows.push({
        line,
        memUsage: stat.memUsage,
        increment: stat.increment,
        occurrences: stat.occurrences,
        content,
      });
    } else {
      rows.push({ line, memUsage: null, increment: null, occurrences: null, content });
    }
    if (stat) {
      net += stat.increment;
      peak = maxOf(peak, stat.memUsage);
    }
  }
  return {
    name: fn.name,
    file: fn.path,
    startLine: fn.startLine,
    headerLine: fn.headerLine,
    endLine: fn.endLine,
    mode: fn.mode,
    calls: fn.calls,
    netIncrement: net,
    peak,
    rows,
  };
}
