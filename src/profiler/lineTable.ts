/**
 * The line report as text: memory_profiler's table per function (its header, column widths and
 * "Filename:" line, so a user of both reads them alike), with the legend, the baseline and the
 * functions never called. The report itself is built in lineReport.ts.
 */
import { pad } from '../render/table.js';
import { terminalText } from '../render/terminalText.js';
import { formatBytes } from '../render/units.js';
import { wrap } from '../render/wrap.js';
import type { LineProfileReport } from './lineReport.js';

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
