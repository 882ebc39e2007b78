/**
 * `hog disk` as text: the headline totals, the tree with the largest entries first, the largest files,
 * the directories holding the most in their own files, and notes on what could not be read.
 * The same ScanReport value prints as --json.
 */
import type { DirectoryReport, EntryReport, FileReport, ScanReport } from '../disk/scanReport.js';
import { renderTable, type TableColumn } from './table.js';
import { terminalText } from './terminalText.js';
import { formatAge, formatBytes, formatCount, formatDuration } from './units.js';

interface TreeRow {
  entry: EntryReport | undefined;
  depth: number;
  share: number | undefined;
  more?: { entries: number; bytes: number };
}

const size = (x: { allocatedBytes: number; apparentBytes: number }, apparent: boolean) =>
  apparent ? x.apparentBytes : x.allocatedBytes;

function flagText(flags: string[]): string {
  const words: Record<string, string> = {
    unreadable: 'unreadable: contents not counted',
    'other-filesystem': 'other filesystem, not counted',
    'hardlink-counted-elsewhere': 'hard link, counted at another path',
  };
  const shown = flags.map((f) => words[f]).filter((w): w is string => w !== undefined);
  return shown.length > 0 ? `  [${shown.join('; ')}]` : '';
}

export function renderScanReport(
  report: ScanReport,
  options: { width: number | undefined; now: number },
): string[] {
  const apparent = report.basis === 'apparent';
  const single = report.roots.length === 1 && report.roots[0]?.type !== 'directory';
  const lines: string[] = [headlineOf(report, apparent, single)];
  const rows = treeRows(report, apparent);
  if (rows.length > 1 || report.roots.length > 1) {
    lines.push('');
    for (const line of renderTable(treeColumns(apparent, options.now), rows, { width: options.width }))
      lines.push(line);
  }
  if (report.topFiles.length > 0 && !single) {
    lines.push('', 'Largest files:');
    for (const line of renderTable(fileColumns(apparent, options.now), report.topFiles, {
      width: options.width,
    }))
      lines.push(line);
  }
  if (report.topDirectories.length > 0 && !single) {
    lines.push('', 'Directories holding the most in their own files (not counting subdirectories):');
    for (const line of renderTable(directoryColumns(apparent), report.topDirectories, {
      width: options.width,
    }))
      lines.push(line);
  }
  lines.push('', scanFooter(report));
  return lines;
}

/** The first line: what was scanned and its size on the chosen basis (the other in parentheses). */
function headlineOf(report: ScanReport, apparent: boolean, single: boolean): string {
  const t = report.total;
  const headline = apparent
    ? `${formatBytes(t.apparentBytes)} apparent (${formatBytes(t.allocatedBytes)} on disk)`
    : `${formatBytes(t.allocatedBytes)} on disk (${formatBytes(t.apparentBytes)} apparent)`;
  const what =
    report.roots.length === 1
      ? terminalText((report.roots[0] as EntryReport).path)
      : `${report.roots.length} paths`;
  return single
    ? `${what}: ${headline}, a ${report.roots[0]?.type}`
    : `${what}: ${headline}, ${formatCount(t.files)} files, ${formatCount(t.directories)} directories`;
}

/** The tree flattened depth first, each entry with its share of its parent, and "… N more" rows. */
function treeRows(report: ScanReport, apparent: boolean): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (e: EntryReport, depth: number, parentBytes: number | undefined) => {
    rows.push({ entry: e, depth, share: parentBytes ? (size(e, apparent) / parentBytes) * 100 : undefined });
    for (const c of e.children ?? []) walk(c, depth + 1, size(e, apparent));
    if (e.more && e.more.entries > 0) {
      rows.push({
        entry: undefined,
        depth: depth + 1,
        share: undefined,
        more: { entries: e.more.entries, bytes: size(e.more, apparent) },
      });
    }
  };
  for (const r of report.roots) walk(r, 0, undefined);
  return rows;
}

function treeColumns(apparent: boolean, now: number): TableColumn<TreeRow>[] {
  return [
    {
      header: 'SIZE',
      align: 'right',
      text: (r) => (r.entry ? formatBytes(size(r.entry, apparent)) : r.more ? formatBytes(r.more.bytes) : ''),
    },
    { header: '%', align: 'right', text: (r) => (r.share === undefined ? '' : r.share.toFixed(1)) },
    { header: 'FILES', align: 'right', text: (r) => (r.entry ? formatCount(r.entry.files) : '') },
    {
      header: 'MODIFIED',
      align: 'right',
      text: (r) => (r.entry ? formatAge(Date.parse(r.entry.newestMtime), now) : ''),
    },
    { header: 'CATEGORY', align: 'left', minWidth: 8, text: (r) => r.entry?.category ?? '' },
    {
      header: 'PATH',
      align: 'left',
      flex: true,
      text: (r) => {
        const indent = '  '.repeat(r.depth);
        if (!r.entry) return `${indent}… ${formatCount(r.more?.entries ?? 0)} more`;
        const name = r.depth === 0 ? r.entry.path : r.entry.name;
        const slash = r.entry.type === 'directory' && !name.endsWith('/') ? '/' : '';
        return `${indent}${name}${slash}${flagText(r.entry.flags)}`;
      },
    },
  ];
}

function fileColumns(apparent: boolean, now: number): TableColumn<FileReport>[] {
  return [
    { header: 'SIZE', align: 'right', text: (f) => formatBytes(size(f, apparent)) },
    {
      header: apparent ? 'ON DISK' : 'APPARENT',
      align: 'right',
      text: (f) => formatBytes(size(f, !apparent)),
    },
    { header: 'MODIFIED', align: 'right', text: (f) => formatAge(Date.parse(f.mtime), now) },
    { header: 'CATEGORY', align: 'left', minWidth: 8, text: (f) => f.category },
    { header: 'PATH', align: 'left', flex: true, text: (f) => f.path },
  ];
}

function directoryColumns(apparent: boolean): TableColumn<DirectoryReport>[] {
  return [
    {
      header: 'OWN SIZE',
      align: 'right',
      text: (d) => formatBytes(apparent ? d.ownApparentBytes : d.ownAllocatedBytes),
    },
    { header: 'FILES', align: 'right', text: (d) => formatCount(d.ownFiles) },
    { header: 'TOTAL', align: 'right', text: (d) => formatBytes(size(d, apparent)) },
    { header: 'PATH', align: 'left', flex: true, text: (d) => `${d.path}/` },
  ];
}

export function scanFooter(report: ScanReport): string {
  const w = report.walker;
  const by =
    w.kind === 'import'
      ? `read from ${w.source}`
      : `scanned in ${report.durationSeconds < 10 ? `${report.durationSeconds.toFixed(2)} s` : formatDuration(report.durationSeconds)} by the ${w.kind === 'native' ? `native walker (${w.threads} threads)` : 'JavaScript walker'}`;
  const notes = [by];
  if (report.hardlinks > 0) {
    notes.push(
      `${formatCount(report.hardlinks)} hard-linked ${report.hardlinks === 1 ? 'file' : 'files'} counted once`,
    );
  }
  return notes.join('; ');
}

/** Notes for stderr: what could not be seen, and how to see it. */
export function scanNotes(report: ScanReport, isRoot: boolean): string[] {
  const notes: string[] = [];
  if (report.walker.kind === 'js' && report.walker.reason && report.walker.reason !== 'HOG_DISK_WALKER=js') {
    notes.push(`the JavaScript walker ran (slower): ${report.walker.reason}`);
  }
  if (report.errors.length > 0) {
    const denied = report.errors.filter((e) => e.code === 'EACCES' || e.code === 'EPERM').length;
    const shown = report.errors.slice(0, 5).map((e) => terminalText(`${e.path}: ${e.message}`));
    notes.push(
      `${formatCount(report.errors.length)} ${report.errors.length === 1 ? 'directory' : 'directories'} could not be read fully; what is inside is not counted: ${shown.join('; ')}${report.errors.length > 5 ? '; …' : ''}`,
    );
    if (denied > 0 && !isRoot) notes.push('run hog as root (sudo) to read what this user may not');
  }
  if (report.skippedMounts.length > 0) {
    const shown = report.skippedMounts
      .slice(0, 5)
      .map((m) => terminalText(m))
      .join(', ');
    notes.push(
      `not entered (another or a pseudo filesystem): ${shown}${report.skippedMounts.length > 5 ? `, and ${report.skippedMounts.length - 5} more` : ''}`,
    );
  }
  if (report.vanished > 0)
    notes.push(`${formatCount(report.vanished)} entries disappeared while the scan ran`);
  return notes;
}
