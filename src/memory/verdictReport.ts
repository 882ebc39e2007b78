/**
 * A verdict with its forecast, as one JSON-ready value (sizes in bytes, rates in bytes per minute,
 * times as ISO strings): what --json prints, what the store keeps per series, what the doctor reads.
 */
import type { Forecast } from './forecast.js';
import type { Fit, Verdict, VerdictClass, VerdictSeries } from './verdict.js';

export interface FitReport {
  from: string;
  to: string;
  seconds: number;
  samples: number;
  envelopePoints: number;
  slopeBytesPerMinute: number;
  /** The fitted line's value at `from`, bytes (it reaches startBytes + slope × minutes at `to`). */
  startBytes: number;
  ci95BytesPerMinute: [number, number];
  mannKendallP: number;
}

export interface VerdictReport {
  class: VerdictClass;
  /** The series that decided (absent in older stored verdicts: RSS); fit and sizes are of that series. */
  series?: VerdictSeries;
  /** When the heap decided: what RSS said. */
  rss?: { class: VerdictClass; slopeBytesPerMinute: number };
  reason: string;
  at: string;
  samples: number;
  spanSeconds: number;
  lastBytes: number;
  levelBytes: number;
  fit?: FitReport;
  growth?: FitReport;
  forecast?: Forecast;
}

export function fitReport(fit: Fit): FitReport {
  const round = (n: number) => Math.round(n);
  return {
    from: new Date(fit.fromMs).toISOString(),
    to: new Date(fit.toMs).toISOString(),
    seconds: (fit.toMs - fit.fromMs) / 1000,
    samples: fit.samples,
    envelopePoints: fit.points,
    slopeBytesPerMinute: round(fit.slopeBytesPerMinute),
    startBytes: round(fit.startBytes),
    ci95BytesPerMinute: [round(fit.lowBytesPerMinute), round(fit.highBytesPerMinute)],
    mannKendallP: Number(fit.p.toPrecision(3)),
  };
}

export function verdictReport(verdict: Verdict, atMs: number, forecast?: Forecast): VerdictReport {
  return {
    class: verdict.class,
    series: verdict.series ?? 'rss',
    ...(verdict.rss
      ? {
          rss: { class: verdict.rss.class, slopeBytesPerMinute: Math.round(verdict.rss.slopeBytesPerMinute) },
        }
      : {}),
    reason: verdict.reason,
    at: new Date(atMs).toISOString(),
    samples: verdict.samples,
    spanSeconds: verdict.spanSeconds,
    lastBytes: verdict.lastBytes,
    levelBytes: Math.round(verdict.levelBytes),
    ...(verdict.fit ? { fit: fitReport(verdict.fit) } : {}),
    ...(verdict.growth ? { growth: fitReport(verdict.growth) } : {}),
    ...(forecast && verdict.class === 'leaking' ? { forecast } : {}),
  };
}
