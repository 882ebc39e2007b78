/**
 * Robust trend statistics for memory series: the Theil–Sen slope with Sen's confidence interval, and
 * the Mann–Kendall test for a monotonic trend. Pure functions of (x, y) points.
 *
 * Sources:
 *   Theil–Sen: the median of the slopes of all pairs of points (Theil 1950, Sen 1968).
 *   Mann–Kendall: S = Σ_{i<j} sign(y_j − y_i); Var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18 over the
 *     groups of tied values t; Z = (S − 1)/√Var(S) for S > 0, (S + 1)/√Var(S) for S < 0, else 0
 *     (Gilbert, "Statistical Methods for Environmental Pollution Monitoring", 1987, §16.4).
 *   Sen's interval for the slope: C = z_{1−α/2}·√Var(S), M1 = (N − C)/2, M2 = (N + C)/2 over the N
 *     sorted pair slopes; the bounds are the M1-th and (M2+1)-th slopes, 1-based (Gilbert §17.3.1).
 */

export interface Point {
  /** Seconds (any origin). */
  x: number;
  y: number;
}

export interface TheilSen {
  /** Median pair slope, in y units per x unit. */
  slope: number;
  /** Median of y − slope·x, so the line is y = intercept + slope·x. */
  intercept: number;
  /** Sen's confidence interval for the slope at the level asked (default 95%). */
  low: number;
  high: number;
}

export interface MannKendall {
  s: number;
  variance: number;
  z: number;
  /** Two-sided p-value of "no monotonic trend". */
  p: number;
}

/** The median of a sorted array. */
function sortedMedian(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function median(values: readonly number[]): number {
  return sortedMedian([...values].sort((a, b) => a - b));
}

/** Standard normal cumulative distribution (Abramowitz & Stegun 26.2.17, error < 7.5e-8). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const poly =
    t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const tail = (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly;
  return z >= 0 ? 1 - tail : tail;
}

/** The z with normalCdf(z) = p, by bisection (only a few fixed levels are ever asked). */
export function normalQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Var(S) of Mann–Kendall with the correction for tied y values. */
function kendallVariance(ys: readonly number[]): number {
  const n = ys.length;
  const counts = new Map<number, number>();
  for (const y of ys) counts.set(y, (counts.get(y) ?? 0) + 1);
  let ties = 0;
  for (const t of counts.values()) if (t > 1) ties += t * (t - 1) * (2 * t + 5);
  return (n * (n - 1) * (2 * n + 5) - ties) / 18;
}

export function mannKendall(points: readonly Point[]): MannKendall {
  const n = points.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const yi = (points[i] as Point).y;
    for (let j = i + 1; j < n; j++) s += Math.sign((points[j] as Point).y - yi);
  }
  const variance = kendallVariance(points.map((p) => p.y));
  const z =
    variance <= 0 ? 0 : s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
  return { s, variance, z, p: 2 * (1 - normalCdf(Math.abs(z))) };
}

export function theilSen(points: readonly Point[], confidence = 0.95): TheilSen {
  const slopes: number[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i] as Point;
    for (let j = i + 1; j < points.length; j++) {
      const b = points[j] as Point;
      if (b.x !== a.x) slopes.push((b.y - a.y) / (b.x - a.x));
    }
  }
  slopes.sort((a, b) => a - b);
  const slope = sortedMedian(slopes);
  const intercept = median(points.map((p) => p.y - slope * p.x));
  const count = slopes.length;
  const c = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(kendallVariance(points.map((p) => p.y)));
  const m1 = Math.round((count - c) / 2);
  const m2 = Math.round((count + c) / 2);
  // 1-based M1-th and (M2+1)-th slopes, clamped to the ends when there are too few points
  const low = slopes[Math.min(count - 1, Math.max(0, m1 - 1))] ?? slope;
  const high = slopes[Math.min(count - 1, Math.max(0, m2))] ?? slope;
  return { slope, intercept, low, high };
}
