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
