/** `hog disk --by category` as text: one row per category with its age profile, then log cleanup candidates. */
import type { CategoryReport, CategoryRow, LogCandidate } from '../disk/categoryReport.js';
import { renderTable, type TableColumn } from './table.js';
import { formatAge, formatBytes, formatBytesShort, formatCount, formatDuration } from './units.js';

type Sized = { allocatedBytes: number; apparentBytes: number };

/** The bytes the report counts: apparent sizes, or space on disk. */
const sizeBy = (basis: CategoryReport['basis']) =>
  basis === 'apparent' ? (r: Sized) => r.apparentBytes : (r: Sized) => r.allocatedBytes;

export function renderCategoryReport(
  report: CategoryReport,
  options: { width: number | undefined; now: number },
): string[] {
  const bytes = sizeBy(report.basis);
  return [
    `${formatBytes(bytes(report.total))} ${report.basis === 'apparent' ? 'apparent' : 'on disk'} by category; ages by modification time`,
    '',
    ...renderTable(
      categoryColumns(report.ageBuckets, bytes),
      report.categories.filter((r) => r.entries > 0),
      { width: options.width },
    ),
    ...logCandidateLines(report, bytes, options),
  ];
}

/** Size, share and entries, the bytes in each age bucket, and the two largest kinds. */
function categoryColumns(
  ageBuckets: readonly string[],
  bytes: (r: Sized) => number,
): TableColumn<CategoryRow>[] {
  return [
    { header: 'CATEGORY', align: 'left', text: (r) => r.label },
    { header: 'SIZE', align: 'right', text: (r) => formatBytes(bytes(r)) },
    { header: '%', align: 'right', text: (r) => r.percent.toFixed(1) },
    { header: 'ENTRIES', align: 'right', text: (r) => formatCount(r.entries) },
    ...ageBuckets.map(
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
}

/** The logs big or old enough to clean, with the next command; or a line saying there are none. */
function logCandidateLines(
  report: CategoryReport,
  bytes: (r: Sized) => number,
  options: { width: number | undefined; now: number },
): string[] {
  const t = report.thresholds;
  if (report.logCandidates.length === 0)
    return [
      '',
      `No log is at least ${formatBytes(t.logSizeBytes)} or older than ${formatDuration(t.logAgeSeconds)}.`,
    ];
  const cols: TableColumn<LogCandidate>[] = [
    { header: 'SIZE', align: 'right', text: (c) => formatBytes(bytes(c)) },
    { header: 'AGE', align: 'right', text: (c) => formatAge(Date.parse(c.mtime), options.now) },
    { header: 'WHY', align: 'left', text: (c) => c.reasons.join('+') },
    { header: 'KIND', align: 'left', text: (c) => c.kind },
    { header: 'PATH', align: 'left', flex: true, text: (c) => c.path },
  ];
  return [
    '',
    `Log cleanup candidates (at least ${formatBytes(t.logSizeBytes)}, or older than ${formatDuration(t.logAgeSeconds)}):`,
    ...renderTable(cols, report.logCandidates, { width: options.width }),
    '',
    'next: hog disk clean <dir>   (prints a plan; --apply carries it out)',
  ];
}
