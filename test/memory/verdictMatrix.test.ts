/**
 * The verdict matrix: every scenario program (test/fixtures/scenarios, in Node.js and in Python) was
 * recorded by `hog run -i 0.5` for 90 s into test/fixtures/series/<language>-<scenario>.dat
 * (test/fixtures/scenarios/record.sh). Each recording must get its scenario's verdict, and none of
 * the non-leaking ones may be called leaking.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMprof } from '../../src/memory/mprof.js';
import { primarySeries } from '../../src/memory/recording.js';
import { judge, type VerdictClass } from '../../src/memory/verdict.js';
import { judgeMemory } from '../../src/memory/verdictHeap.js';
import { FIXTURES } from '../helpers/hog.js';

const EXPECTED: Record<string, VerdictClass> = {
  'linear-leak': 'leaking',
  'slow-leak-noisy': 'leaking',
  'step-growth': 'leaking',
  'gc-sawtooth': 'stable',
  'warmup-plateau': 'growing-then-stable',
  shrinking: 'shrinking',
};

function recorded(language: string, scenario: string) {
  const file = `${FIXTURES}series/${language}-${scenario}.dat`;
  const { recording, skipped } = parseMprof(readFileSync(file, 'utf8'), file);
  expect(skipped).toBe(0);
  return primarySeries(recording)?.metrics.rss ?? [];
}

describe.each(['node', 'python'])('%s scenarios sampled at 2 Hz for 90 s', (language) => {
  it.each(Object.entries(EXPECTED))('%s -> %s', (scenario, expected) => {
    const rss = recorded(language, scenario);
    expect(rss.length).toBeGreaterThan(150); // 90 s at 2 Hz
    const verdict = judge(rss);
    expect(verdict.class, verdict.reason).toBe(expected);
  });

  it('finds a 30 MiB/min leak by 30 s, and never calls the non-leaking scenarios leaking at any point', () => {
    const prefix = (scenario: string, seconds: number) => {
      const rss = recorded(language, scenario);
      const start = rss[0]?.t ?? 0;
      return judge(rss.filter((x) => x.t - start <= seconds * 1000)).class;
    };
    expect(prefix('linear-leak', 30)).toBe('leaking');
    // as a live `hog watch` judges them, every 5 s; a warm-up looks like a leak while it still grows,
    // so the plateau is judged from 60 s on (30 s after it stopped growing)
    for (let s = 25; s <= 90; s += 5) {
      expect(prefix('gc-sawtooth', s), `gc-sawtooth at ${s} s`).not.toBe('leaking');
      expect(prefix('shrinking', s), `shrinking at ${s} s`).not.toBe('leaking');
      if (s >= 60) expect(prefix('warmup-plateau', s), `warmup-plateau at ${s} s`).not.toBe('leaking');
    }
  });
});

/**
 * The same Node.js scenarios recorded with their V8 heap (the preload of `hog run`):
 * test/fixtures/series/node-<scenario>.heap.json. The heap-aware verdict (verdictHeap.ts) must give
 * every scenario its RSS verdict, and call none of the non-leaking ones leaking at any point, as a live
 * recording judges them every 5 s.
 */
describe('node scenarios with their V8 heap', () => {
  const load = (scenario: string) => {
    const file = `${FIXTURES}series/node-${scenario}.heap.json`;
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<'rss' | 'heap_used', [number, number][]>;
    const samples = (points: [number, number][]) => points.map(([t, bytes]) => ({ t, bytes }));
    return { rss: samples(data.rss), heap: samples(data.heap_used) };
  };
  const SCENARIOS: [string, VerdictClass][] = [
    ['linear-leak', 'leaking'],
    ['gc-sawtooth', 'stable'],
    ['warmup-plateau', 'growing-then-stable'],
    ['shrinking', 'shrinking'],
    // on the V8 heap, with 200 MiB of RSS reserved up front
    ['heap-sawtooth', 'stable'],
    ['heap-warmup', 'stable'],
    ['heap-leak', 'leaking'],
  ];

  it.each(SCENARIOS)('%s -> %s, decided by RSS', (scenario, expected) => {
    const { rss, heap } = load(scenario);
    expect(heap.length).toBeGreaterThan(150);
    const verdict = judgeMemory(rss, heap);
    expect(verdict.class, verdict.reason).toBe(expected);
    expect(verdict.series).toBeUndefined();
  });

  it('the heap never decides a leak in the non-leaking scenarios, judged every 5 s', () => {
    // heap-sawtooth's live set swings between 20 and 80 MiB, with major collections up to 20 s apart:
    // the floor of the heap between two of them rises (RSS itself is called leaking at 25 s and 80 s).
    // A warm-up looks like a leak while it grows: judged from 30 s after it stopped, as for RSS
    const from: Record<string, number> = { 'warmup-plateau': 60, 'heap-warmup': 50 };
    for (const scenario of ['gc-sawtooth', 'warmup-plateau', 'shrinking', 'heap-sawtooth', 'heap-warmup']) {
      const { rss, heap } = load(scenario);
      const start = rss[0]?.t ?? 0;
      for (let s = from[scenario] ?? 25; s <= 90; s += 5) {
        const upTo = (x: { t: number }) => x.t - start <= s * 1000;
        const verdict = judgeMemory(rss.filter(upTo), heap.filter(upTo));
        expect(verdict.series, `${scenario} at ${s} s: ${verdict.reason}`).toBeUndefined();
      }
    }
  });

  it('never calls the non-leaking scenarios leaking at any point', () => {
    for (const scenario of ['gc-sawtooth', 'warmup-plateau', 'shrinking']) {
      const { rss, heap } = load(scenario);
      const start = rss[0]?.t ?? 0;
      for (let s = 25; s <= 90; s += 5) {
        const upTo = (x: { t: number }) => x.t - start <= s * 1000;
        const verdict = judgeMemory(rss.filter(upTo), heap.filter(upTo));
        if (scenario === 'warmup-plateau' && s < 60) continue; // a warm-up looks like a leak while it grows
        expect(verdict.class, `${scenario} at ${s} s: ${verdict.reason}`).not.toBe('leaking');
      }
    }
  });
});
