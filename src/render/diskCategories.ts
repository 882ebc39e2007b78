/** `hog disk --by category` as text: one row per category with its age profile, then log cleanup candidates. */
import type { CategoryReport, CategoryRow, LogCandidate } from '../disk/categoryReport.js';
import { renderTable, type TableColumn } from './table.js';
import { formatAge, formatBytes, formatBytesShort, formatCount, formatDuration } from './units.js';

export function renderCategoryReport(
  report: CategoryReport,
  options: { width: number | undefined; now: number },
): string[] {
  const apparent = report.basis === 'apparent';
  const bytes = (r: { allocatedBytes: number; apparentBytes: number }) =>
    apparent ? r.apparentBytes : r.allocatedBytes;
  const total = apparent ? report.total.apparentBytes : report.total.allocatedBytes;
  const columns: TableColumn<CategoryRow>[] = [
    { header: 'CATEGORY', align: 'left', text: (r) => r.label },
    { header: 'SIZE', align: 'right', text: (r) => formatBytes(bytes(r)) },
    { header: '%', align: 'right', text: (r) => r.percent.toFixed(1) },
    { header: 'ENTRIES', align: 'right', text: (r) => formatCount(r.entries) },
    ...report.ageBuckets.map(
      (label, k): TableColumn<CategoryRow> => ({
        header: label,
        align: 'right',
        minWidth: 6,
        text: (r) => ((r.ageBytes[k] ?? 0) > 0 ? formatBytesShort(r.ageBytes[k] ?? 0) : '-'),
      }),
    ),
    {
      header: 'MOSTLY',
      align: 'left',
      flex: true,
      text: (r) =>
        r.kinds
          .filter((k) => k.bytes > 0)
          .slice(0, 2)
          .map((k) => `${k.kind} ${formatBytesShort(k.bytes)}`)
          .join(', '),
    },
  ];
  const lines = [
    `${formatBytes(total)} ${apparent ? 'apparent' : 'on disk'} by category; ages by modification time`,
    '',
    ...renderTable(
      columns,
      report.categories.filter((r) => r.entries > 0),
      { width: options.width },
    ),
  ];
  const t = report.thresholds;
  if (report.logCandidates.length > 0) {
    const cols: TableColumn<LogCandidate>[] = [
      { header: 'SIZE', align: 'right', text: (c) => formatBytes(bytes(c)) },
      { header: 'AGE', align: 'right', text: (c) => formatAge(Date.parse(c.mtime), options.now) },
      { header: 'WHY', align: 'left', text: (c) => c.reasons.join('+') },
      { header: 'KIND', align: 'left', text: (c) => c.kind },
      { header: 'PATH', align: 'left', flex: true, text: (c) => c.path },
    ];
    lines.push(
      '',
      `Log cleanup candidates (at least ${formatBytes(t.logSizeBytes)}, or older than ${formatDuration(t.logAgeSeconds)}):`,
    );
    for (const line of renderTable(cols, report.logCandidates, { width: options.width })) lines.push(line);
    lines.push('', 'next: hog disk clean <dir>   (prints a plan; --apply carries it out)');
  } else {
    lines.push(
      '',
      `No log is at least ${formatBytes(t.logSizeBytes)} or older than ${formatDuration(t.logAgeSeconds)}.`,
    );
  }
  return lines;
}
