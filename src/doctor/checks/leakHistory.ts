/**
 * Leaks in the recorded history: series that `hog run` or `hog watch` (and later `hog serve`) recorded
 * in the last day whose verdict is `leaking`. A process still running (same PID and start time) is a
 * warning — critical when it will reach its limit within CRITICAL_SECONDS at the recorded rate — with
 * the forecast recomputed from its limits now; one that has exited is info. Without a store there is
 * no history: one ok finding that says how to record some. The store is only read, never created.
 */
import { existsSync } from 'node:fs';
import { forecast } from '../../memory/forecast.js';
import { readLimits } from '../../memory/limits.js';
import type { VerdictReport } from '../../memory/verdictReport.js';
import { isVanished } from '../../proc/procFile.js';
import { readStat } from '../../proc/stat.js';
import { readStatus } from '../../proc/status.js';
import { formatBytesPerMinute, formatDuration } from '../../render/units.js';
import type { Store as StoreType } from '../../store/store.js';
import type { Check } from '../check.js';
import { evidence } from '../evidence.js';
import type { Finding } from '../finding.js';

export const HISTORY_HOURS = 24;
export const CRITICAL_SECONDS = 3600;

export const leakHistory: Check = {
  id: 'memory.leak-history',
  resource: 'memory',
  description: `processes whose memory recorded by hog run / hog watch in the last ${HISTORY_HOURS} h is leaking`,
  async run(context) {
    const ok = (title: string): Finding[] => [
      { check: this.id, resource: 'memory', severity: 'ok', title, evidence: [], next: [] },
    ];
    if (!existsSync(context.dbPath)) {
      return ok('no recorded memory history (hog run -- CMD or hog watch PID record it)');
    }
    // SQLite (a native addon) is loaded only when there is history to read: doctor starts fast
    const { Store } = await import('../../store/store.js');
    const store = Store.openForReading(context.dbPath);
    let series: ReturnType<StoreType['recentSeries']>;
    try {
      series = store.recentSeries(context.clock.now() - HISTORY_HOURS * 3600 * 1000);
    } finally {
      store.close();
    }
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const s of series) {
      const verdict = s.verdict as VerdictReport;
      const key = `${s.pid}:${s.startTicks}`;
      if (s.pid === undefined || seen.has(key)) continue;
      seen.add(key);
      if (verdict?.class !== 'leaking' || !verdict.fit) continue;
      findings.push(
        isSameProcess(s.pid, s.startTicks, context.procRoot)
          ? runningLeak(this.id, s, s.pid, verdict.fit, context)
          : exitedLeak(this.id, s, s.pid, verdict.fit),
      );
    }
    if (findings.length === 0) {
      return ok(
        series.length === 0
          ? `no memory recorded in the last ${HISTORY_HOURS} h`
          : `${series.length} recorded series in the last ${HISTORY_HOURS} h, none leaking`,
      );
    }
    return findings;
  },
};

type RecentSeries = ReturnType<StoreType['recentSeries']>[number];
type LeakFit = NonNullable<VerdictReport['fit']>;

/** What the recorded verdict rests on: its slope, interval and window. */
function fitEvidence(s: RecentSeries, fit: LeakFit) {
  const verdict = s.verdict as VerdictReport;
  return [
    evidence.bytes('growth per minute', fit.slopeBytesPerMinute),
    evidence.bytes('95% CI low, per minute', fit.ci95BytesPerMinute[0]),
    evidence.bytes('95% CI high, per minute', fit.ci95BytesPerMinute[1]),
    evidence.seconds('fitted over', fit.seconds),
    evidence.text('recorded', `run ${s.runId}, last judged ${verdict.at}`),
  ];
}

/** A leak recorded in a process that has exited since: info. */
function exitedLeak(check: string, s: RecentSeries, pid: number, fit: LeakFit): Finding {
  const name = s.name || '?';
  return {
    check,
    resource: 'memory',
    severity: 'info',
    title: `PID ${pid} (${name}) was leaking ${formatBytesPerMinute(fit.slopeBytesPerMinute)} when recorded in run ${s.runId}; it has exited`,
    evidence: fitEvidence(s, fit),
    next: [`hog plot ${s.runId} -o run-${s.runId}.svg`],
    subjects: [{ pid, name }],
  };
}

/** A leak recorded in a process still running: the forecast from its limits now decides how bad. */
function runningLeak(
  check: string,
  s: RecentSeries,
  pid: number,
  fit: LeakFit,
  context: { procRoot: string; fsRoot: string },
): Finding {
  const name = s.name || '?';
  const slope = fit.slopeBytesPerMinute;
  const rss = readStatus(pid, context.procRoot).vmRssBytes ?? 0;
  const limits = readLimits(pid, context.procRoot, context.fsRoot);
  const f = forecast(slope, limits);
  const soon = f !== undefined && f.secondsToLimit < CRITICAL_SECONDS;
  return {
    check,
    resource: 'memory',
    severity: soon ? 'critical' : 'warning',
    title: `PID ${pid} (${name}) leaking ${formatBytesPerMinute(slope)}${f ? `, limit in ~${formatDuration(f.secondsToLimit)}` : ''}`,
    evidence: [
      evidence.bytes('RES now', rss),
      ...fitEvidence(s, fit),
      ...(f
        ? [
            evidence.seconds('time to limit at this rate', Math.round(f.secondsToLimit)),
            evidence.bytes(
              f.limit === 'cgroup' ? `cgroup ${f.cgroupPath ?? ''} headroom` : 'MemAvailable',
              f.headroomBytes,
            ),
          ]
        : []),
    ],
    next: [
      `hog plot ${s.runId} -o run-${s.runId}.svg`,
      `hog watch ${pid}`,
      `hog ps --pid ${pid} --pss --uss`,
    ],
    detail:
      'The post-GC floor of its memory rose steadily (Theil–Sen slope on the lower envelope, Mann–Kendall test): memory is kept, not collected.',
    subjects: [{ pid, name }],
  };
}

function isSameProcess(pid: number, startTicks: number | undefined, procRoot: string): boolean {
  try {
    const stat = readStat(pid, procRoot);
    return stat.state !== 'Z' && (startTicks === undefined || stat.startTimeTicks === startTicks);
  } catch (error) {
    if (isVanished(error)) return false;
    throw error;
  }
}
