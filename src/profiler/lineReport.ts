/**
 * The line-by-line report: one table per profiled function, in memory_profiler's layout
 *
 *   Line #    Mem usage    Increment  Occurrences   Line Contents
 *   =============================================================
 *
 * with the original source lines. Pure: a run's results and the source texts in, a value out, which
 * prints as tables or as --json.
 */
import { pad } from '../render/table.js';
import { terminalText } from '../render/terminalText.js';
import { formatBytes } from '../render/units.js';
import { wrap } from '../render/wrap.js';
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

const HEADER = `${pad('Line #', 6, 'right')} ${pad('Mem usage', 12, 'right')} ${pad('Increment', 12, 'right')}  ${pad('Occurrences', 10, 'right')}   Line Contents`;

/** Tabs as spaces (to the next multiple of 4) so the source keeps its indentation in the table. */
function expandTabs(text: string): string {
  let out = '';
  for (const ch of text) out += ch === '\t' ? ' '.repeat(4 - (out.length % 4)) : ch;
  return out;
}

export function renderLineReport(
  report: LineProfileReport,
  options: { precision: number; width?: number; compiler?: { modules: number; resident: number } },
): string[] {
  const bytes = (n: number | null): string => (n === null ? '' : formatBytes(n, options.precision));
  const lines: string[] = [];
  const legend =
    `Mem usage: ${report.measures}, when the line finished (highest over its runs). ` +
    'Increment: how much it changed while the line ran, summed over its runs ' +
    '(time suspended at await/yield left out; a garbage collection during a line shows as a decrease).';
  const width = Math.max(60, Math.min(options.width ?? 100, 110));
  for (const line of wrap(legend, width)) lines.push(line);
  if (report.metric === 'rss' && report.baseline !== null) {
    // memory_profiler's RSS includes the interpreter and itself the same way (~20 MiB for Python)
    const baseline =
      `When the script's first module loaded, the process already had ${bytes(report.baseline)} resident ` +
      "(Node.js and hog's runtime): what the script allocated is the figure minus that.";
    for (const line of wrap(baseline, width)) lines.push(line);
    const compiler = options.compiler;
    if (compiler && compiler.modules > 0) {
      const loaded =
        `The figures also hold about ${bytes(compiler.resident)} of TypeScript's compiler, which hog loaded in this process ` +
        `for ${compiler.modules} module${compiler.modules === 1 ? '' : 's'} not in its compile cache yet; a repeat run takes them from the cache.`;
      for (const line of wrap(loaded, width)) lines.push(line);
    }
  }
  for (const fn of report.functions) {
    lines.push('', `Filename: ${fn.file}`, '');
    lines.push(HEADER, '='.repeat(HEADER.length));
    for (const row of fn.rows) {
      const occurrences = row.occurrences === null ? '' : String(row.occurrences);
      lines.push(
        `${pad(String(row.line), 6, 'right')} ${pad(bytes(row.memUsage), 12, 'right')} ${pad(bytes(row.increment), 12, 'right')}  ${pad(occurrences, 10, 'right')}   ${terminalText(expandTabs(row.content))}`.trimEnd(),
      );
    }
    lines.push('');
    const calls = `${fn.calls} call${fn.calls === 1 ? '' : 's'}`;
    const summary = `${fn.name}: ${calls}, net ${bytes(fn.netIncrement)}, peak ${bytes(fn.peak)}`;
    lines.push(
      fn.mode === 'function'
        ? `${summary} (whole calls only: profile() wrapped a function hog did not instrument; mark its definition with // @profile for lines)`
        : summary,
    );
  }
  for (const fn of report.notCalled) {
    lines.push('', `${fn.name} (${fn.path}:${fn.headerLine}) is profiled but was never called`);
  }
  for (const s of report.snapshots) {
    lines.push(
      '',
      `heap snapshot: ${s.path} (${s.function} at ${s.file}:${s.line} reached ${bytes(s.bytes)}, above --break-above ${bytes(s.threshold)})`,
    );
  }
  return lines;
}
