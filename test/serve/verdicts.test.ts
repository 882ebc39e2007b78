/**
 * Verdicts from serve's history: the kinds of the API from hog's classes, and a process whose samples
 * are bunched in time (recorded, out of the top N for hours, recorded again) judged without failing:
 * hog's judge() threw on it before (no envelope to fit), which stopped the recorder.
 */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/memory/envelope.js';
import { judge } from '../../src/memory/verdict.js';
import { verdictKind } from '../../src/serve/verdicts.js';

describe('serve verdicts', () => {
  it('maps hog classes to the API kinds', () => {
    const kinds = ['leaking', 'growing-then-stable', 'stable', 'shrinking', 'not-enough-data'] as const;
    expect(kinds.map((c) => verdictKind({ class: c } as Parameters<typeof verdictKind>[0]))).toEqual([
      'leak',
      'growing',
      'steady',
      'steady',
      'insufficient',
    ]);
  });

  it('judges samples bunched in two stretches hours apart as not enough data, without throwing', () => {
    const samples: Sample[] = [];
    for (let i = 0; i < 25; i++) samples.push({ t: i * 1000, bytes: 100e6 + i });
    for (let i = 0; i < 5; i++) samples.push({ t: 10_000_000 + i * 1000, bytes: 100e6 + i });
    const verdict = judge(samples);
    expect(verdict.class).toBe('not-enough-data');
    expect(verdict.reason).toBe('30 samples over 10004 s, bunched in too few stretches of time for a trend');
  });
});
