/**
 * The verdict on synthetic series with known shapes, and the forecast. The recorded scenarios (real
 * processes) are judged in verdictMatrix.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { forecast } from '../../src/memory/forecast.js';
import { judge, MIN_SAMPLES } from '../../src/memory/verdict.js';
import { verdictReport } from '../../src/memory/verdictReport.js';
import { verdictSummary } from '../../src/render/verdictText.js';

const MiB = 1024 * 1024;
/** n samples every `everyMs`, value f(seconds) in MiB. */
const series = (n: number, everyMs: number, f: (s: number) => number) =>
  Array.from({ length: n }, (_, i) => ({
    t: 1_700_000_000_000 + i * everyMs,
    bytes: Math.round(f((i * everyMs) / 1000) * MiB),
  }));

describe('judge', () => {
  it('says not-enough-data below the minimum samples or span, and why', () => {
    const few = judge(series(MIN_SAMPLES - 1, 5000, (s) => 100 + s));
    expect(few.class).toBe('not-enough-data');
    expect(few.reason).toMatch(/23 samples over .* needs at least 24 samples over 20 s/);
    expect(judge(series(100, 100, (s) => 100 + s)).class).toBe('not-enough-data'); // 10 s only
    expect(judge([]).class).toBe('not-enough-data');
  });

  it('finds a clean linear leak with its slope and a tight interval', () => {
    const v = judge(series(120, 1000, (s) => 200 + s / 2)); // 30 MiB/min
    expect(v.class).toBe('leaking');
    expect((v.fit?.slopeBytesPerMinute ?? 0) / MiB).toBeCloseTo(30, 1);
    expect((v.fit?.lowBytesPerMinute ?? 0) / MiB).toBeGreaterThan(29);
    expect((v.fit?.highBytesPerMinute ?? 0) / MiB).toBeLessThan(31);
  });

  it('finds a leak at 1 Hz as soon as a verdict is possible, without calling it growing-then-stable', () => {
    // a process watched from its start: 1 s of start-up, then 1 MiB/s with a little noise
    const f = (s: number) => (s < 1 ? 20 : 80 + s + ((s * 7) % 3));
    for (let n = 24; n <= 40; n++) expect(judge(series(n, 1000, f)).class, `${n} s`).toBe('leaking');
  });

  it('calls a flat sawtooth stable and a perfectly flat line stable', () => {
    expect(judge(series(120, 1000, (s) => 300 + ((s % 7) / 7) * 40)).class).toBe('stable');
    expect(judge(series(60, 1000, () => 50)).class).toBe('stable');
  });

  it('calls growth that levels off growing-then-stable, and falling memory shrinking', () => {
    const plateau = judge(series(180, 500, (s) => 50 + Math.min(s, 30) * 2));
    expect(plateau.class).toBe('growing-then-stable');
    expect((plateau.growth?.slopeBytesPerMinute ?? 0) / MiB).toBeGreaterThan(0);
    expect(judge(series(180, 500, (s) => 300 - s)).class).toBe('shrinking');
  });

  it('still calls a warm-up growing-then-stable when a long plateau followed it', () => {
    // 30 s of growth, then 150 s flat with a sawtooth on top, sampled at 1 Hz
    const v = judge(series(180, 1000, (s) => 40 + Math.min(s, 30) * 2 + (s % 6) * 3));
    expect(v.class).toBe('growing-then-stable');
  });

  it('does not call a few pages of drift on a big process a leak (relevance threshold)', () => {
    // 4 GiB process creeping 100 KiB over two minutes: significant but irrelevant
    const v = judge(series(120, 1000, (s) => 4096 + (s / 120) * 0.1));
    expect(v.class).toBe('stable');
  });

  it('does not call a start-up ramp followed by a fall a leak, early in a live recording', () => {
    // 15 s to allocate 200 MiB (a loaded machine), then 2 MiB/s freed: judged at 1 Hz from 20 s on
    const f = (s: number) => (s < 15 ? 40 + (s * 200) / 15 : 240 - (s - 15) * 2);
    for (let n = 21; n <= 40; n++) expect(judge(series(n, 1000, f)).class, `${n} s`).not.toBe('leaking');
  });

  it('reports a leak that started after a stable stretch, fitted on the recent window', () => {
    const v = judge(series(120, 1000, (s) => (s < 60 ? 300 : 300 + (s - 60))));
    expect(v.class).toBe('leaking');
    expect((v.fit?.fromMs ?? 0) - 1_700_000_000_000).toBeGreaterThanOrEqual(59_000);
  });
});

describe('forecast', () => {
  it('divides the cgroup headroom by the slope, else MemAvailable', () => {
    const perMinute = 10 * MiB;
    const cg = forecast(perMinute, {
      cgroup: { limitBytes: 512 * MiB, workingSetBytes: 212 * MiB, path: '/app' },
      memAvailableBytes: 10_000 * MiB,
    });
    expect(cg?.limit).toBe('cgroup');
    expect(cg?.secondsToLimit).toBeCloseTo(30 * 60, 6);
    const machine = forecast(perMinute, { memAvailableBytes: 600 * MiB });
    expect(machine?.limit).toBe('MemAvailable');
    expect(machine?.secondsToLimit).toBeCloseTo(3600, 6);
    expect(forecast(0, { memAvailableBytes: 1 })).toBeUndefined();
    expect(forecast(-5, { memAvailableBytes: 1 })).toBeUndefined();
  });

  it('reads as a sentence: slope, interval, window and the time to the limit', () => {
    const v = judge(series(120, 1000, (s) => 200 + s / 5)); // 12 MiB/min
    const report = verdictReport(
      v,
      0,
      forecast(v.fit?.slopeBytesPerMinute ?? 0, { memAvailableBytes: 2160 * MiB }),
    );
    expect(verdictSummary(report)).toMatch(
      /^leaking \+12\.0 MiB\/min \(95% CI \+1\d\.\d MiB\/min to \+1\d\.\d MiB\/min\) over the last 1m 59s; limit in ~3h \(MemAvailable 2\.1 GiB\)$/,
    );
  });
});
