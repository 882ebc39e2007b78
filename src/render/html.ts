/**
 * `hog plot -o x.html`: one self-contained page (no scripts, no external files) with the chart as
 * inline SVG, the verdict with its numbers, the series, markers and notes.
 */
import type { Recording } from '../memory/recording.js';
import type { VerdictReport } from '../memory/verdictReport.js';
import { escapeXml } from './svg.js';
import { formatBytes, formatBytesPerMinute, formatDuration } from './units.js';
import { forecastText, verdictSummary } from './verdictText.js';

/** `labels[i]` names `recording.series[i]` (the domain's seriesLabel: render takes values). */
export function chartPage(
  recording: Recording,
  labels: readonly string[],
  svg: string,
  verdict: VerdictReport | undefined,
): string {
  const rows = recording.series.map((s, i) => {
    const rss = s.metrics.rss ?? [];
    const peak = rss.reduce((m, x) => Math.max(m, x.bytes), 0);
    const metrics = Object.keys(s.metrics).join(', ');
    return `<tr><td>${escapeXml(labels[i] ?? '')}</td><td>${s.role}</td><td>${rss.length}</td><td>${formatBytes(peak)}</td><td>${escapeXml(metrics)}</td><td>${escapeXml(s.endReason ?? '')}</td></tr>`;
  });
  const fit = verdict?.fit;
  const details = verdict
    ? `<p class="verdict ${verdict.class}">${escapeXml(verdictSummary(verdict))}</p>
<ul>
<li>why: ${escapeXml(verdict.reason)}</li>
${
  fit
    ? `<li>slope ${formatBytesPerMinute(fit.slopeBytesPerMinute)}, 95% CI ${formatBytesPerMinute(fit.ci95BytesPerMinute[0])} to ${formatBytesPerMinute(fit.ci95BytesPerMinute[1])}, Mann–Kendall p = ${fit.mannKendallP}</li>
<li>window: ${escapeXml(fit.from)} to ${escapeXml(fit.to)} (${formatDuration(fit.seconds)}, ${fit.samples} samples, ${fit.envelopePoints} lower-envelope points)</li>`
    : ''
}
${verdict.forecast ? `<li>${escapeXml(forecastText(verdict))}</li>` : ''}
</ul>`
    : '';
  const notes = recording.notes
    .map((n) => `<li>${escapeXml(new Date(n.t).toISOString())}: ${escapeXml(n.text)}</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>hog plot: ${escapeXml(recording.run.command || recording.source)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #111; }
.verdict { font-weight: bold; font-size: 16px; }
.leaking { color: #c62828; } .growing-then-stable { color: #d97706; } .stable { color: #2e7d32; }
.shrinking { color: #1565c0; } .not-enough-data { color: #6b7280; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; }
svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>${escapeXml(recording.run.command || recording.source)}</h1>
<p>${escapeXml(recording.source)} &middot; started ${escapeXml(new Date(recording.run.startedAt).toISOString())}${recording.run.intervalMs ? ` &middot; every ${recording.run.intervalMs / 1000} s` : ''}</p>
${details}
${svg}
<h2>Series</h2>
<table><tr><th>series</th><th>role</th><th>samples</th><th>peak RSS</th><th>metrics</th><th>end</th></tr>
${rows.join('\n')}
</table>
<p>${recording.markers.length} function markers.</p>
${notes ? `<h2>Notes</h2><ul>${notes}</ul>` : ''}
</body>
</html>
`;
}
