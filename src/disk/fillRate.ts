/**
 * How fast a filesystem fills, and when it will be full, from recorded samples of its used space
 * (hog serve records them; until it does, there are none and hog says so). The rate is the
 * least-squares slope of used bytes over time in the recent window, so one burst or one cleanup does
 * not dominate; the ETA is the available space divided by that rate.
 */

export interface UsageSample {
  /** Milliseconds since the epoch. */
  timeMs: number;
  usedBytes: number;
}

export type FillRate =
  | { kind: 'filling'; bytesPerSecond: number; etaSeconds: number; samples: number; spanSeconds: number }
  | { kind: 'steady'; bytesPerSecond: number; samples: number; spanSeconds: number }
  | { kind: 'unknown'; reason: string };

/** Samples must span at least this long to say anything (ten minutes). */
export const MIN_SPAN_SECONDS = 600;
/** Only this recent a window counts (six hours): what the disk does now, not last week. */
export const WINDOW_SECONDS = 6 * 3600;

export function fillRate(samples: readonly UsageSample[], availableBytes: number, nowMs: number): FillRate {
  if (samples.length === 0)
    return { kind: 'unknown', reason: 'no recorded history (hog serve is not recording on this machine)' };
  const recent = samples.filter((s) => s.timeMs >= nowMs - WINDOW_SECONDS * 1000 && s.timeMs <= nowMs);
  if (recent.length < 2)
    return { kind: 'unknown', reason: `only ${recent.length} sample in the last ${WINDOW_SECONDS / 3600} h` };
  const t0 = (recent[0] as UsageSample).timeMs;
  const xs = recent.map((s) => (s.timeMs - t0) / 1000);
  const ys = recent.map((s) => s.usedBytes);
  const span = xs.reduce((m, x) => Math.max(m, x), 0) - xs.reduce((m, x) => Math.min(m, x), 0);
  if (span < MIN_SPAN_SECONDS)
    return {
      kind: 'unknown',
      reason: `history covers only ${Math.round(span)} s; at least ${MIN_SPAN_SECONDS} s are needed`,
    };
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    sxx += ((xs[i] as number) - mx) ** 2;
  }
  const slope = sxy / sxx;
  if (!(slope > 0)) return { kind: 'steady', bytesPerSecond: slope, samples: n, spanSeconds: span };
  return {
    kind: 'filling',
    bytesPerSecond: slope,
    etaSeconds: Math.max(0, availableBytes) / slope,
    samples: n,
    spanSeconds: span,
  };
}
