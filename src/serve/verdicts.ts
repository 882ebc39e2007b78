/**
 * Leak verdicts for every process `hog serve` records, from its history: hog's own verdict
 * (memory/verdict.ts: Theil–Sen on the lower envelope, Mann–Kendall) over the last VERDICT_WINDOW_MS,
 * on at most VERDICT_POINTS bucket minima. The API and /metrics speak four kinds:
 *   leak          verdict "leaking"
 *   growing       "growing-then-stable": it grew, and has not (yet) shown it keeps growing
 *   steady        "stable" or "shrinking"
 *   insufficient  "not-enough-data" (24 samples over 20 s at least)
 */
import type Database from 'better-sqlite3';
import { judge, type Verdict } from '../memory/verdict.js';
import { processesSince, processFloor } from '../store/serveQueries.js';

export const VERDICT_WINDOW_MS = 6 * 3600_000;
export const VERDICT_POINTS = 1000;

export type VerdictKind = 'leak' | 'growing' | 'steady' | 'insufficient';

export interface ServeVerdict {
  kind: VerdictKind;
  slopeBytesPerSecond: number;
  text: string;
  /** hog's verdict class, for those who know it (hog watch, hog runs). */
  class: Verdict['class'];
  judgedAt: number;
}

export function verdictKind(verdict: Verdict): VerdictKind {
  switch (verdict.class) {
    case 'leaking':
      return 'leak';
    case 'growing-then-stable':
      return 'growing';
    case 'not-enough-data':
      return 'insufficient';
    default:
      return 'steady';
  }
}

export function serveVerdict(verdict: Verdict, judgedAt: number): ServeVerdict {
  return {
    kind: verdictKind(verdict),
    slopeBytesPerSecond: (verdict.fit?.slopeBytesPerMinute ?? 0) / 60,
    text: verdict.reason,
    class: verdict.class,
    judgedAt,
  };
}

export const INSUFFICIENT: Omit<ServeVerdict, 'judgedAt'> = {
  kind: 'insufficient',
  slopeBytesPerSecond: 0,
  text: 'not judged yet',
  class: 'not-enough-data',
};

/**
 * Judge every process recorded since `since` (default: within the window); process id -> verdict. The
 * recorder passes its last judgment's time: a process that has not been sampled since keeps the verdict
 * it had (the machine's short-lived processes would otherwise be judged again every minute for 6 h).
 */
export function judgeRecorded(db: Database.Database, now: number, since?: number): Map<number, ServeVerdict> {
  const from = now - VERDICT_WINDOW_MS;
  const out = new Map<number, ServeVerdict>();
  for (const p of processesSince(db, Math.max(from, since ?? from))) {
    // a young process is judged on its raw samples (a window under RAW_SPAN_MS), an older one on
    // minute rows
    const samples = processFloor(db, p.id, Math.max(from, p.firstT), now, VERDICT_POINTS);
    out.set(p.id, serveVerdict(judge(samples), now));
  }
  return out;
}
