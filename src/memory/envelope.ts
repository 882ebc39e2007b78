/**
 * The lower envelope of a memory series: the minimum of each time bucket. A garbage-collected process
 * draws a sawtooth (allocate, collect, allocate...); its post-collection minima show what the process
 * really keeps, so the trend is fitted on them rather than on raw RSS, which mostly measures where in
 * the sawtooth each sample fell. The same idea as fitting the "floor" of a JVM or V8 heap graph.
 */
import type { Point } from './trend.js';

export interface Sample {
  /** Milliseconds since the epoch. */
  t: number;
  bytes: number;
}

/** Buckets per envelope: enough points for the Mann–Kendall test, few enough to span GC cycles. */
export const ENVELOPE_BUCKETS = 16;
/**
 * A bucket holds at least this many samples, or the minimum would just be the sample itself. Only short
 * windows feel it: a long recording has many samples in each of its 16 buckets.
 */
export const MIN_BUCKET_SAMPLES = 2;

/**
 * Split [first.t, last.t] into equal time buckets (fewer when samples are scarce) and keep the lowest
 * sample of each, at its own time. x is in seconds from `originMs`, y in bytes.
 */
export function lowerEnvelope(
  samples: readonly Sample[],
  originMs: number,
  buckets = ENVELOPE_BUCKETS,
): Point[] {
  if (samples.length === 0) return [];
  const count = Math.max(1, Math.min(buckets, Math.floor(samples.length / MIN_BUCKET_SAMPLES)));
  const first = (samples[0] as Sample).t;
  const span = (samples[samples.length - 1] as Sample).t - first;
  const lows: (Sample | undefined)[] = new Array(count).fill(undefined);
  for (const s of samples) {
    const index = span <= 0 ? 0 : Math.min(count - 1, Math.floor(((s.t - first) / span) * count));
    const low = lows[index];
    if (low === undefined || s.bytes < low.bytes) lows[index] = s;
  }
  return lows
    .filter((s): s is Sample => s !== undefined)
    .map((s) => ({ x: (s.t - originMs) / 1000, y: s.bytes }));
}
