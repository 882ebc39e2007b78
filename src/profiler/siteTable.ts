/**
 * The allocation sites of `hog profile --sample` as text: what was sampled, then a table of the top
 * sites (BYTES, SHARE, FUNCTION, FILE:LINE). The ranking itself is made in allocationSites.ts.
 */
import { renderTable } from '../render/table.js';
import { formatBytes, formatPercent } from '../render/units.js';
import type { AllocationSite, SiteRanking } from './allocationSites.js';

export function renderSites(
  ranking: SiteRanking,
  options: { churn: boolean; intervalBytes: number; width?: number | undefined },
): string[] {
  const what = options.churn
    ? 'allocated, including objects already garbage-collected (churn)'
    : 'allocated in objects still alive when the program ended';
  const lines = [
    `${formatBytes(ranking.totalBytes)} ${what}; V8 sampling heap profiler, one sample per ${formatBytes(options.intervalBytes)} on average`,
    '',
  ];
  if (ranking.sites.length === 0) {
    lines.push(
      'no allocation was sampled: the program allocated less than the sampling interval (try --sample-interval 1K)',
    );
    return lines;
  }
  const table = renderTable(
    [
      { header: 'BYTES', align: 'right', text: (s: AllocationSite) => formatBytes(s.bytes) },
      { header: 'SHARE', align: 'right', text: (s) => formatPercent(s.share) },
      { header: 'FUNCTION', align: 'left', text: (s) => s.function },
      {
        header: 'FILE:LINE',
        align: 'left',
        text: (s) => (s.line > 0 ? `${s.file}:${s.line}` : s.file || '(native)'),
        flex: true,
      },
    ],
    ranking.sites,
    { width: options.width },
  );
  for (const line of table) lines.push(line);
  if (ranking.otherSites > 0) {
    lines.push(`... and ${ranking.otherSites} more sites with ${formatBytes(ranking.otherBytes)}`);
  }
  return lines;
}
