/**
 * Is a process leaking? A verdict from a recorded memory series, robust to GC sawtooth and noise:
 * the trend is fitted on the lower envelope (post-collection minima, envelope.ts) with the Theil–Sen
 * slope and tested with Mann–Kendall (trend.ts), never a least-squares line over raw RSS.
 *
 * Windows: the whole recording, its second half ("recent") and its last quarter ("tail", once it spans
 * MIN_SPAN_SECONDS), each with its own envelope. Classes:
 *   leaking              the recent half grows significantly and relevantly, its floor still rises at
 *                        its end, and the tail keeps growing
 *   growing-then-stable  the whole recording grew, but the recent half (or the tail) no longer does:
 *                        a warm-up or a cache that filled and levelled off (the whole recording's
 *                        growth must be significant and relevant, its interval may touch zero; or,
 *                        after a long plateau, the floor sits a fifth (GREW_RATIO) above its first
 *                        quarter's and the whole recording leans up at p < GREW_ALPHA)
 *   shrinking            the recent half falls significantly and relevantly
 *   stable               none of these
 *   not-enough-data      fewer than MIN_SAMPLES samples or less than MIN_SPAN_SECONDS of them (so the
 *                        recent half has WINDOW_SAMPLES of its own)
 * "Significant": Mann–Kendall p below ALPHA. "Relevant": the change over the window is at least
 * max(MIN_CHANGE_BYTES, MIN_CHANGE_RATIO of the median level), so a few pages of allocator drift on a
 * big process are not a leak.
 */
import { lowerEnvelope, type Sample } from './envelope.js';
import { mannKendall, median, type Point, theilSen } from './trend.js';

export const VERDICT_CLASSES = [
  'leaking',
  'growing-then-stable',
  'stable',
  'shrinking',
  'not-enough-data',
] as const;
export type VerdictClass = (typeof VERDICT_CLASSES)[number];

/** A window needs this many samples for its envelope (at least 3 per bucket, 4 buckets). */
export const WINDOW_SAMPLES = 12;
export const MIN_SAMPLES = 2 * WINDOW_SAMPLES;
export const MIN_SPAN_SECONDS = 20;
export const ALPHA = 0.01;
/** Looser level for growth that stopped long ago: it is not a leak either way. */
export const GREW_ALPHA = 0.05;
/** ... and then the floor must have risen by a fifth of its level: more than a sawtooth's drift. */
export const GREW_RATIO = 0.2;
export const MIN_CHANGE_BYTES = 1024 * 1024;
export const MIN_CHANGE_RATIO = 0.01;
/** The tail still counts as growing while its slope could be at least this share of the recent slope. */
export const TAIL_SHARE = 0.5;
/** With this many envelope points, Mann–Kendall can reach p < ALPHA on a window alone (n=8: p≈0.0006). */
export const POWERED_POINTS = 8;

/** A trend fitted on one window of the recording. Slopes in bytes per minute. */
export interface Fit {
  fromMs: number;
  toMs: number;
  samples: number;
  /** Points of the lower envelope the line was fitted on. */
  points: number;
  slopeBytesPerMinute: number;
  /** 95% confidence interval of the slope (Sen's method). */
  lowBytesPerMinute: number;
  highBytesPerMinute: number;
  /** The fitted line's value at fromMs and toMs, in bytes. */
  startBytes: number;
  endBytes: number;
  /** Mann–Kendall two-sided p-value and direction. */
  p: number;
  z: number;
  /** The last quarter of the envelope points sits at least as high as the quarter before it. */
  risingAtEnd: boolean;
  /** Median of the envelope points: the window's level. */
  levelBytes: number;
  /** Median of the first quarter of the envelope points: where the window started. */
  startLevelBytes: number;
}

/** What a verdict was judged on: RSS, or the V8 heap used (its post-GC floor, verdictHeap.ts). */
export type VerdictSeries = 'rss' | 'heap_used';

export interface Verdict {
  class: VerdictClass;
  /** The series that decided; absent means RSS. */
  series?: VerdictSeries;
  /** When another series decided: what RSS said (its class and slope, bytes per minute). */
  rss?: { class: VerdictClass; slopeBytesPerMinute: number };
  /** One sentence for people: why this class. */
  reason: string;
  /**
   * The fit the class rests on (absent for not-enough-data). For growing-then-stable: the rate after
   * the growth, which is below TAIL_SHARE of it; absent when growth ended by a fall of the floor at the
   * very end (children of a -C sum exiting), with no slower stretch to measure.
   */
  fit?: Fit;
  /** For growing-then-stable: the whole recording's fit, which shows the growth that stopped. */
  growth?: Fit;
  samples: number;
  spanSeconds: number;
  /** The last sample's value, bytes. */
  lastBytes: number;
  /** Median of the lower envelope over the recording: the level the process sits at. */
  levelBytes: number;
}

function fitWindow(samples: readonly Sample[]): Fit | undefined {
  if (samples.length < WINDOW_SAMPLES) return undefined;
  const fromMs = (samples[0] as Sample).t;
  const toMs = (samples[samples.length - 1] as Sample).t;
  const points: Point[] = lowerEnvelope(samples, fromMs);
  if (points.length < 4) return undefined;
  const line = theilSen(points);
  const mk = mannKendall(points);
  const at = (ms: number) => line.intercept + line.slope * ((ms - fromMs) / 1000);
  return {
    fromMs,
    toMs,
    samples: samples.length,
    points: points.length,
    slopeBytesPerMinute: line.slope * 60,
    lowBytesPerMinute: line.low * 60,
    highBytesPerMinute: line.high * 60,
    startBytes: at(fromMs),
    endBytes: at(toMs),
    p: mk.p,
    z: mk.z,
    risingAtEnd: risingAtEnd(points),
    levelBytes: median(points.map((p) => p.y)),
    startLevelBytes: median(points.slice(0, Math.max(2, Math.floor(points.length / 4))).map((p) => p.y)),
  };
}

/**
 * Does the floor still rise at the end of the window? The median of the last quarter of the envelope
 * points against the quarter before. A window that starts with a warm-up ramp and then flattens or
 * falls is significantly "up" as a whole; this tells it from growth that goes on.
 */
function risingAtEnd(points: readonly Point[]): boolean {
  const k = Math.max(2, Math.floor(points.length / 4));
  if (points.length < 2 * k) return true;
  const last = median(points.slice(-k).map((p) => p.y));
  const before = median(points.slice(-2 * k, -k).map((p) => p.y));
  return last >= before;
}

/** The samples from `fraction` of the way through the recording's time span to its end. */
function trailing(samples: readonly Sample[], fraction: number): Sample[] {
  const first = (samples[0] as Sample).t;
  const last = (samples[samples.length - 1] as Sample).t;
  const from = last - (last - first) * fraction;
  return samples.filter((s) => s.t >= from);
}

function change(fit: Fit): number {
  return fit.slopeBytesPerMinute * ((fit.toMs - fit.fromMs) / 60000);
}

export function judge(samples: readonly Sample[]): Verdict {
  const n = samples.length;
  const spanSeconds = n > 1 ? ((samples[n - 1] as Sample).t - (samples[0] as Sample).t) / 1000 : 0;
  const lastBytes = n > 0 ? (samples[n - 1] as Sample).bytes : 0;
  const base = { samples: n, spanSeconds, lastBytes };
  if (n < MIN_SAMPLES || spanSeconds < MIN_SPAN_SECONDS) {
    return {
      ...base,
      class: 'not-enough-data',
      reason: `${n} samples over ${spanSeconds.toFixed(0)} s; a verdict needs at least ${MIN_SAMPLES} samples over ${MIN_SPAN_SECONDS} s`,
      levelBytes: median(samples.map((s) => s.bytes)) || 0,
    };
  }
  const whole = fitWindow(samples);
  if (!whole) {
    // enough samples, but bunched in time (a process hog serve recorded, lost from its top N for a
    // while, then recorded again): fewer than 4 envelope points, no trend to fit
    return {
      ...base,
      class: 'not-enough-data',
      reason: `${n} samples over ${spanSeconds.toFixed(0)} s, bunched in too few stretches of time for a trend`,
      levelBytes: median(samples.map((s) => s.bytes)) || 0,
    };
  }
  const levelBytes = median(lowerEnvelope(samples, 0).map((p) => p.y));
  const minChange = Math.max(MIN_CHANGE_BYTES, MIN_CHANGE_RATIO * levelBytes);
  const recent = fitWindow(trailing(samples, 0.5)) ?? whole;
  // the tail only speaks once it is long enough to span GC cycles on its own
  const tailSamples = trailing(samples, 0.25);
  const tailSpan = ((tailSamples[tailSamples.length - 1]?.t ?? 0) - (tailSamples[0]?.t ?? 0)) / 1000;
  const tail = tailSpan >= MIN_SPAN_SECONDS ? fitWindow(tailSamples) : undefined;
  // "now", for growth that stopped: the last quarter, fitted on its own even when too short to be the
  // tail. Never the window the growth was measured on: that printed "after growing +A; now +A".
  const lastQuarter = tail ?? fitWindow(tailSamples);
  /** The rate after growth stopped, if the last quarter shows it (below TAIL_SHARE of the growth's). */
  const nowAfter = (growth: Fit) =>
    lastQuarter && lastQuarter.slopeBytesPerMinute < TAIL_SHARE * growth.slopeBytesPerMinute
      ? { fit: lastQuarter }
      : {};
  const up = (f: Fit) => f.z > 0 && f.p < ALPHA && f.lowBytesPerMinute > 0 && change(f) >= minChange;
  const down = (f: Fit) => f.z < 0 && f.p < ALPHA && f.highBytesPerMinute < 0 && -change(f) >= minChange;
  const result = { ...base, levelBytes };

  if (up(recent)) {
    const stillGrowing =
      recent.risingAtEnd &&
      (tail === undefined || tail.highBytesPerMinute >= TAIL_SHARE * recent.slopeBytesPerMinute);
    if (stillGrowing) {
      // the whole recording is the better estimate when it agrees with the recent half
      const agrees =
        up(whole) &&
        recent.slopeBytesPerMinute >= whole.lowBytesPerMinute &&
        recent.slopeBytesPerMinute <= whole.highBytesPerMinute;
      const fit = agrees ? whole : recent;
      return {
        ...result,
        class: 'leaking',
        reason: `the post-GC floor rose steadily over the ${agrees ? 'whole recording' : 'recent half of the recording'} (Mann–Kendall p=${formatP(fit.p)})`,
        fit,
      };
    }
    return {
      ...result,
      class: 'growing-then-stable',
      reason: 'memory grew, but the end of the recording no longer grows at that rate',
      // without a slower last quarter, growth stopped by a fall of the floor at the very end
      // (children of a -C sum exiting): no "now" rate is claimed then
      ...nowAfter(recent),
      growth: recent,
    };
  }
  if (down(recent)) {
    return {
      ...result,
      class: 'shrinking',
      reason: `the post-GC floor fell over the recent half of the recording (Mann–Kendall p=${formatP(recent.p)})`,
      fit: recent,
    };
  }
  // A short recording: the recent half has too few envelope points (under POWERED_POINTS) to be
  // significant at ALPHA on its own. The last three quarters (start-up ramp left out) are, and the recent half leans up at
  // GREW_ALPHA at their rate, still rising at its end: that is a leak too.
  const most = fitWindow(trailing(samples, 0.75));
  const goesOn = (f: Fit, rate: number) =>
    f.z > 0 &&
    f.p < GREW_ALPHA &&
    f.risingAtEnd &&
    change(f) >= minChange &&
    f.slopeBytesPerMinute >= TAIL_SHARE * rate;
  if (recent.points < POWERED_POINTS && most && up(most) && goesOn(recent, most.slopeBytesPerMinute)) {
    return {
      ...result,
      class: 'leaking',
      reason: `the post-GC floor rose steadily over the last three quarters of the recording (Mann–Kendall p=${formatP(most.p)})`,
      fit: most,
    };
  }
  // Growth that stopped: the whole recording rose significantly and relevantly. Sen's interval is not
  // asked to exclude zero here: a plateau makes most pair slopes exactly 0, which pins its low end there.
  // ... or, with a long plateau after it, the floor now sits relevantly above where it started and
  // the whole recording still leans up (p < GREW_ALPHA)
  const grew =
    (whole.z > 0 && whole.p < ALPHA && whole.slopeBytesPerMinute > 0 && change(whole) >= minChange) ||
    (whole.z > 0 &&
      whole.p < GREW_ALPHA &&
      recent.levelBytes - whole.startLevelBytes >= Math.max(minChange, GREW_RATIO * recent.levelBytes));
  // "levelled off": the recent half grows at less than TAIL_SHARE of the whole recording's rate
  // ... or its floor fell at its end, though it grew at the whole recording's rate until then
  const slowed = recent.slopeBytesPerMinute <= TAIL_SHARE * Math.max(0, whole.slopeBytesPerMinute);
  const levelled = slowed || !recent.risingAtEnd;
  if (grew && levelled) {
    return {
      ...result,
      class: 'growing-then-stable',
      reason: 'memory grew early in the recording, then levelled off: warm-up or a cache filling, not a leak',
      ...(slowed ? { fit: recent } : nowAfter(whole)),
      growth: whole,
    };
  }
  return {
    ...result,
    class: 'stable',
    reason: 'no significant trend in the post-GC floor',
    fit: whole,
  };
}

export function formatP(p: number): string {
  return p < 0.0001 ? '<0.0001' : p.toFixed(4);
}
