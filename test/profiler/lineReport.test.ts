import { describe, expect, it } from 'vitest';
import { buildLineReport } from '../../src/profiler/lineReport.js';
import { renderLineReport } from '../../src/profiler/lineTable.js';
import type { ThreadResults } from '../../src/profiler/runtime.js';

const MiB = 1024 * 1024;
const SOURCE = [
  '// @profile',
  'function work() {',
  '\tconst a = new Array(1e6).fill(0);',
  '  return a;',
  '}',
];

function thread(overrides: Partial<ThreadResults> = {}): ThreadResults {
  return {
    pid: 1,
    threadId: 0,
    metric: 'heap',
    describes: 'V8 heap used + external memory',
    baseline: 5 * MiB,
    functions: [
      {
        name: 'work',
        path: '/app/work.ts',
        startLine: 1,
        headerLine: 2,
        endLine: 5,
        mode: 'line',
        calls: 2,
        entryPeak: 10 * MiB,
        lines: [
          { line: 3, occurrences: 2, increment: 16 * MiB, memUsage: 26 * MiB },
          { line: 4, occurrences: 2, increment: -2048, memUsage: 26 * MiB - 2048 },
        ],
      },
    ],
    snapshots: [],
    ...overrides,
  };
}

describe('line report', () => {
  it('builds one row per source line with the header row holding entry memory and calls', () => {
    const report = buildLineReport([thread()], [], () => SOURCE);
    const [work] = report.functions;
    expect(work?.rows.map((r) => [r.line, r.memUsage, r.increment, r.occurrences])).toEqual([
      [1, null, null, null],
      [2, 10 * MiB, null, 2],
      [3, 26 * MiB, 16 * MiB, 2],
      [4, 26 * MiB - 2048, -2048, 2],
      [5, null, null, null],
    ]);
    expect(work?.netIncrement).toBe(16 * MiB - 2048);
    expect(work?.peak).toBe(26 * MiB);
  });

  it("renders memory_profiler's layout, with --precision decimals and tabs expanded", () => {
    const lines = renderLineReport(
      buildLineReport([thread()], [], () => SOURCE),
      { precision: 2, width: 100 },
    );
    const table = lines.slice(lines.indexOf('Line #    Mem usage    Increment  Occurrences   Line Contents'));
    expect(table.slice(0, 7)).toEqual([
      'Line #    Mem usage    Increment  Occurrences   Line Contents',
      '=============================================================',
      '     1                                         // @profile',
      '     2    10.00 MiB                        2   function work() {',
      '     3    26.00 MiB    16.00 MiB           2       const a = new Array(1e6).fill(0);',
      '     4    26.00 MiB    -2.00 KiB           2     return a;',
      '     5                                         }',
    ]);
    expect(lines.join('\n')).toContain('work: 2 calls, net 16.00 MiB, peak 26.00 MiB');
    expect(lines[0]).toMatch(/^Mem usage: V8 heap used \+ external memory/);
  });

  it('merges threads, lists functions never called, and notes snapshots', () => {
    const declared = [
      { name: 'work', path: '/app/work.ts', startLine: 1, headerLine: 2, endLine: 5 },
      { name: 'idle', path: '/app/work.ts', startLine: 7, headerLine: 8, endLine: 9 },
    ];
    const snapshot = {
      path: '/tmp/s.heapsnapshot',
      function: 'work',
      file: '/app/work.ts',
      line: 3,
      bytes: 30 * MiB,
      threshold: 25 * MiB,
    };
    const report = buildLineReport(
      [thread(), thread({ threadId: 1, snapshots: [snapshot] })],
      declared,
      () => undefined,
    );
    expect(report.functions[0]?.calls).toBe(4);
    expect(report.functions[0]?.rows[2]?.occurrences).toBe(4);
    expect(report.notCalled.map((f) => f.name)).toEqual(['idle']);
    const text = renderLineReport(report, { precision: 1 }).join('\n');
    expect(text).toContain('idle (/app/work.ts:8) is profiled but was never called');
    expect(text).toContain(
      'heap snapshot: /tmp/s.heapsnapshot (work at /app/work.ts:3 reached 30.0 MiB, above --break-above 25.0 MiB)',
    );
  });
});
