/**
 * Cumulative byte counters in time, and the average rates over iftop's windows: 2, 10 and 40 s.
 * iftop's definition: the bytes moved in the last W seconds divided by W (or by the time it has been
 * running, when that is shorter). Points are kept as (time, total in, total out); the rate over W is
 * the change since the last point at or before now - W. A counter created after the watch began was 0
 * before its first point, so its bytes count fully in every window that covers its birth.
 */
export const WINDOWS = [2, 10, 40] as const;
export type WindowSeconds = (typeof WINDOWS)[number];

export interface DirectionRates {
  /** Bytes per second received (in) and sent (out). */
  in: number;
  out: number;
}

export type WindowRates = Record<WindowSeconds, DirectionRates>;

interface Point {
  t: number;
  in: number;
  out: number;
}

export class CounterHistory {
  private readonly points: Point[] = [];

  /**
   * @param startMs when the watch began: before it nothing is known, and windows are cut there.
   * @param bornAtMs when this counter was known to be 0 (the tick before it first appeared), if it
   *   appeared after the watch began.
   */
  constructor(
    private readonly startMs: number,
    bornAtMs?: number,
  ) {
    if (bornAtMs !== undefined) this.points.push({ t: bornAtMs, in: 0, out: 0 });
  }

  /** Record the totals (since the watch began) at time t (ms, monotonic). */
  push(t: number, totalIn: number, totalOut: number): void {
    const last = this.points[this.points.length - 1];
    if (last && t <= last.t) {
      last.in = totalIn;
      last.out = totalOut;
      return;
    }
    this.points.push({ t, in: totalIn, out: totalOut });
  }

  get totalIn(): number {
    return this.points[this.points.length - 1]?.in ?? 0;
  }

  get totalOut(): number {
    return this.points[this.points.length - 1]?.out ?? 0;
  }

  /** Time of the first point (when the counter was first known). */
  get firstMs(): number | undefined {
    return this.points[0]?.t;
  }

  /** Average rates over the last `seconds` at time `now`. */
  rate(now: number, seconds: number): DirectionRates {
    const target = now - seconds * 1000;
    let base: Point | undefined;
    for (let i = this.points.length - 1; i >= 0; i--) {
      const p = this.points[i] as Point;
      if (p.t <= target) {
        base = p;
        break;
      }
    }
    // no point that old: before its first point the counter was 0 (or the watch had not begun)
    base ??= { t: Math.max(target, this.startMs), in: 0, out: 0 };
    const span = (now - base.t) / 1000;
    if (span <= 0) return { in: 0, out: 0 };
    return { in: (this.totalIn - base.in) / span, out: (this.totalOut - base.out) / span };
  }

  rates(now: number): WindowRates {
    return { 2: this.rate(now, 2), 10: this.rate(now, 10), 40: this.rate(now, 40) };
  }

  /** Drop points older than the longest window still needed (keeping one before it as a base). */
  trim(now: number, keepSeconds: number = WINDOWS[2]): void {
    const cutoff = now - keepSeconds * 1000;
    let drop = 0;
    while (drop + 1 < this.points.length && (this.points[drop + 1] as Point).t <= cutoff) drop++;
    if (drop > 0) this.points.splice(0, drop);
  }
}
