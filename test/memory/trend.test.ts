import { describe, expect, it } from 'vitest';
import { lowerEnvelope } from '../../src/memory/envelope.js';
import { mannKendall, median, normalCdf, normalQuantile, theilSen } from '../../src/memory/trend.js';

const points = (ys: number[]) => ys.map((y, x) => ({ x, y }));

describe('Theil–Sen slope', () => {
  it('is the median pair slope, with an intercept through the median residual', () => {
    // pair slopes of (0,1) (1,3) (2,2) (3,5): 2, 0.5, 4/3, -1, 1, 3 -> sorted -1 .5 1 4/3 2 3, median 7/6
    const fit = theilSen(points([1, 3, 2, 5]));
    expect(fit.slope).toBeCloseTo(7 / 6, 10);
    expect(fit.intercept).toBeCloseTo(median([1, 3 - 7 / 6, 2 - 14 / 6, 5 - 21 / 6]), 10);
  });

  it('ignores one wild outlier that would drag a least-squares line', () => {
    const ys = [10, 12, 14, 16, 1000, 20, 22, 24, 26, 28];
    const fit = theilSen(points(ys));
    expect(fit.slope).toBeCloseTo(2, 10);
    expect(fit.low).toBeGreaterThan(1.5);
    expect(fit.high).toBeLessThan(2.5);
  });

  it("gives Sen's 95% interval that contains the true slope of noisy data and narrows with more data", () => {
    let seed = 7;
    const noise = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 - 0.5;
    };
    const short = theilSen(points(Array.from({ length: 10 }, (_, i) => 3 * i + 20 * noise())));
    const long = theilSen(points(Array.from({ length: 60 }, (_, i) => 3 * i + 20 * noise())));
    expect(short.low).toBeLessThan(3);
    expect(short.high).toBeGreaterThan(3);
    expect(long.low).toBeLessThan(3);
    expect(long.high).toBeGreaterThan(3);
    expect(long.high - long.low).toBeLessThan(short.high - short.low);
  });
});

describe('Mann–Kendall', () => {
  it('computes S, its variance and a two-sided p for a monotone series (Gilbert 1987)', () => {
    const mk = mannKendall(points([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(mk.s).toBe(45);
    expect(mk.variance).toBeCloseTo((10 * 9 * 25) / 18, 10); // 125
    expect(mk.z).toBeCloseTo(44 / Math.sqrt(125), 10);
    expect(mk.p).toBeLessThan(0.0001);
  });

  it('corrects the variance for ties and finds no trend in a flat or alternating series', () => {
    const flat = mannKendall(points([5, 5, 5, 5, 5, 5]));
    expect(flat.s).toBe(0);
    expect(flat.p).toBeCloseTo(1, 6);
    const tied = mannKendall(points([1, 1, 2, 2, 3, 3]));
    // n=6: 6*5*17 = 510; three pairs of ties: 3 * 2*1*9 = 54 -> (510 - 54) / 18
    expect(tied.variance).toBeCloseTo((510 - 54) / 18, 10);
    const zigzag = mannKendall(points([1, 9, 1, 9, 1, 9, 1, 9]));
    expect(zigzag.p).toBeGreaterThan(0.2);
  });

  it('has a normal CDF and quantile that agree with the tables', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 4);
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 5);
  });
});

describe('lower envelope', () => {
  it('keeps the minimum of each time bucket at its own time, so a sawtooth becomes its floor', () => {
    // a sawtooth with period 5 samples over a floor of 100 that rises by 1 per 5 samples
    const samples = Array.from({ length: 50 }, (_, i) => ({
      t: i * 1000,
      bytes: 100 + Math.floor(i / 5) + (i % 5) * 30,
    }));
    const envelope = lowerEnvelope(samples, 0, 10);
    expect(envelope).toHaveLength(10);
    expect(envelope.map((p) => p.y)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(envelope[1]?.x).toBe(5);
  });

  it('uses fewer buckets when samples are scarce (at least 2 samples a bucket)', () => {
    const samples = Array.from({ length: 9 }, (_, i) => ({ t: i * 1000, bytes: i }));
    expect(lowerEnvelope(samples, 0, 16)).toHaveLength(4);
    expect(lowerEnvelope([], 0)).toEqual([]);
  });
});
