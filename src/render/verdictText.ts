/** A verdict in words, one line: what `hog watch`, `hog run`, `hog plot` and the doctor print. */
import type { VerdictReport } from '../memory/verdictReport.js';
import { terminalText } from './terminalText.js';
import { formatBytes, formatBytesPerMinute, formatDuration } from './units.js';

export function verdictSummary(report: VerdictReport): string {
  const fit = report.fit;
  switch (report.class) {
    case 'not-enough-data':
      return `not enough data yet (${report.reason})`;
    case 'leaking': {
      if (!fit) return 'leaking';
      const [low, high] = fit.ci95BytesPerMinute;
      const limit = report.forecast ? `; ${forecastText(report)}` : '';
      const rate = `${formatBytesPerMinute(fit.slopeBytesPerMinute)} (95% CI ${formatBytesPerMinute(low)} to ${formatBytesPerMinute(high)}) over the last ${formatDuration(fit.seconds)}`;
      // the V8 heap decided (verdictHeap.ts): say so, and what RSS does meanwhile
      if (report.series === 'heap_used')
        return `leaking (V8 heap after GC): ${rate} while RSS ${rssWords(report)}${limit}`;
      return `leaking ${rate}${limit}`;
    }
    case 'growing-then-stable': {
      const growth = report.growth?.slopeBytesPerMinute;
      const grew = growth === undefined ? undefined : formatBytesPerMinute(growth);
      const last = formatBytes(report.lastBytes);
      // no "now" rate: the growth went on until the floor fell at the very end (verdict.ts)
      if (!fit) return `growing-then-stable: grew ${grew ?? ''}, then fell to ${last} at the end`;
      const now = formatBytesPerMinute(fit.slopeBytesPerMinute);
      // a last quarter that falls (for sure, or at half the growth's rate) has not "levelled off"
      const slope = fit.slopeBytesPerMinute;
      if (grew && slope < 0 && (fit.ci95BytesPerMinute[1] < 0 || -slope >= (growth ?? 0) / 2))
        return `growing-then-stable: grew ${grew}, then fell: now ${now}, last ${last}`;
      return `growing-then-stable: levelled off at ${formatBytes(report.levelBytes)}${grew ? ` after growing ${grew}` : ''}; now ${now}`;
    }
    case 'shrinking':
      return `shrinking ${formatBytesPerMinute(fit?.slopeBytesPerMinute ?? 0)} over the last ${formatDuration(fit?.seconds ?? 0)}`;
    case 'stable':
      return `stable at ${formatBytes(report.levelBytes)} (trend ${formatBytesPerMinute(fit?.slopeBytesPerMinute ?? 0)}, not significant) over ${formatDuration(fit?.seconds ?? report.spanSeconds)}`;
  }
}

/** What RSS did while the heap leaked: "is flat", "levelled off", "shrinks". */
function rssWords(report: VerdictReport): string {
  switch (report.rss?.class) {
    case 'growing-then-stable':
      return 'levelled off';
    case 'shrinking':
      return `shrinks (${formatBytesPerMinute(report.rss.slopeBytesPerMinute)})`;
    default:
      return 'is flat';
  }
}

/** "limit in ~3h (cgroup /app memory.max 512.0 MiB)" */
export function forecastText(report: VerdictReport): string {
  const f = report.forecast;
  if (!f) return '';
  const what =
    f.limit === 'cgroup'
      ? `cgroup ${terminalText(f.cgroupPath ?? '')} limit ${formatBytes(f.limitBytes)}`
      : `MemAvailable ${formatBytes(f.limitBytes)}`;
  return `limit in ~${formatDuration(f.secondsToLimit)} (${what})`;
}
