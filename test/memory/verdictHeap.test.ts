/**
 * The heap-aware verdict's rule (verdictHeap.ts) on synthetic series of known shape: which series
 * decides, and the sentence that says so. Recorded processes are judged in verdictMatrix.test.ts and
 * test/cli/runHeapVerdict.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { judgeMemory } from '../../src/memory/verdictHeap.js';
import { verdictReport } from '../../src/memory/verdictReport.js';
import { verdictSummary } from '../../src/render/verdictText.js';

const MiB = 1024 * 1024;
const series = (n: number, everyMs: number, f: (s: number) => number) =>
  Array.from({ length: n }, (_, i) => ({
    t: 1_700_000_000_000 + i * everyMs,
    bytes: Math.round(f((i * everyMs) / 1000) * MiB),
  }));
/** A heap that rises 6 MiB/min under a sawtooth of young-generation garbage (0-3 MiB, 7 s period). */
const leakingHeap = series(120, 1000, (s) => 20 + s / 10 + ((s % 7) / 7) * 3);
const flatRss = series(120, 1000, () => 500);

describe('judgeMemory', () => {
  it('lets a leaking heap decide under a flat RSS, and says so', () => {
    const verdict = judgeMemory(flatRss, leakingHeap);
    expect(verdict.class).toBe('leaking');
    expect(verdict.series).toBe('heap_used');
    expect(verdict.rss).toEqual({ class: 'stable', slopeBytesPerMinute: 0 });
    expect((verdict.fit?.slopeBytesPerMinute ?? 0) / MiB).toBeCloseTo(6, 1);
    expect(verdictSummary(verdictReport(verdict, 0))).toMatch(
      /^leaking \(V8 heap after GC\): \+6\.0 MiB\/min \(95% CI \+\d\.\d MiB\/min to \+\d\.\d MiB\/min\) over the last 1m 59s while RSS is flat$/,
    );
  });

  it('keeps RSS when RSS leaks, or cannot be judged, or the heap does not leak', () => {
    const leakingRss = series(120, 1000, (s) => 500 + s);
    expect(judgeMemory(leakingRss, leakingHeap).series).toBeUndefined();
    expect(judgeMemory(flatRss.slice(0, 10), leakingHeap.slice(0, 10)).class).toBe('not-enough-data');
    const flatHeap = series(120, 1000, (s) => 20 + ((s % 7) / 7) * 3);
    expect(judgeMemory(flatRss, flatHeap)).toMatchObject({ class: 'stable' });
    expect(judgeMemory(flatRss, flatHeap).series).toBeUndefined();
    expect(judgeMemory(flatRss, []).class).toBe('stable');
  });

  it('does not call a heap that swings (fills up and drains) a leak, though its recent half rises', () => {
    // 60 s flat at 20 MiB, then 60 s rising to 40 MiB, as a queue filling between two major GCs
    const swing = series(120, 1000, (s) => (s < 60 ? 20 : 20 + (s - 60) / 3));
    expect(judgeMemory(flatRss, swing).series).toBeUndefined();
  });
});
