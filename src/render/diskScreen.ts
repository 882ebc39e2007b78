/**
 * One frame of `hog disk -i`, as plain lines: the directory and sort on top, one row per entry (size,
 * share of the directory with a bar, category, age, name), a status line and the totals at the bottom.
 * Pure: never wider than `width` nor longer than `height`.
 */
import type { BrowserState } from './browserModel.js';
import { cellWidth, pad, truncate } from './table.js';
import { terminalText } from './terminalText.js';
import { formatAge, formatBytes, formatCount } from './units.js';

export interface BrowserRow {
  name: string;
  isDir: boolean;
  bytes: number;
  files: number;
  /** Newest modification time below (seconds). */
  newest: number;
  category: string;
  note: string;
}

export interface BrowserInfo {
  path: string;
  type: string;
  allocatedBytes: number;
  apparentBytes: number;
  files: number;
  newest: number;
  kind: string;
  note: string;
}

export interface BrowserFrameData {
  path: string;
  /** Size of the directory listed (by the state's basis). */
  dirBytes: number;
  /** Rows in the whole listing. */
  rowCount: number;
  /** The visible rows, from state.scroll. */
  rows: readonly BrowserRow[];
  totals: { allocatedBytes: number; apparentBytes: number; files: number };
  info: BrowserInfo | undefined;
  /** The entry the confirmation asks about. */
  confirm: { path: string; bytes: number; files: number; isDir: boolean } | undefined;
  readOnly: boolean;
  now: number;
}

/** Lines above and below the rows. */
export const BROWSER_TOP_LINES = 2;
export const BROWSER_BOTTOM_LINES = 2;
const INFO_LINES = 6;

export function browserPageRows(height: number, info: boolean): number {
  return Math.max(1, height - BROWSER_TOP_LINES - BROWSER_BOTTOM_LINES - (info ? INFO_LINES : 0));
}

const SORT_TEXT = { size: 'size', name: 'name', mtime: 'modified', count: 'files' } as const;

function bar(share: number, width: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, share)) * width);
  return `${'#'.repeat(filled)}${' '.repeat(width - filled)}`;
}

export const HELP_LINES = [
  'hog disk -i — keys',
  '',
  '  up/down, k/j      select',
  '  PgUp/PgDn         a page up/down;  Home/End  first/last',
  '  right, Enter, l   open the directory',
  '  left, Backspace, h  go to the parent directory',
  '  s  sort by size    n  by name    M  by modification time    C  by files',
  '     (the same key again reverses the order)',
  '  a  apparent size (bytes) / disk usage (blocks)',
  '  i  details of the selected entry',
  '  d  delete the selected entry (asks y/N first)',
  '  q  quit',
  '',
  'Press any key to go back.',
];

export function renderBrowserFrame(
  state: BrowserState,
  data: BrowserFrameData,
  width: number,
  height: number,
): string[] {
  if (state.help) return HELP_LINES.slice(0, height).map((l) => truncate(l, width));
  const basis = state.basis === 'allocated' ? 'disk usage' : 'apparent size';
  const lines: string[] = [
    `hog disk -i  ${terminalText(data.path)}  ${formatBytes(data.dirBytes)}`,
    `sort: ${SORT_TEXT[state.sort]} ${state.descending ? 'desc' : 'asc'}, ${basis}${data.readOnly ? ', read-only (saved scan)' : ''}   ? help  q quit`,
  ];
  const pageRows = browserPageRows(height, state.info);
  const wide = width >= 70;
  for (let k = 0; k < pageRows; k++) {
    const row = data.rows[k];
    if (!row) {
      lines.push(k === 0 && data.rowCount === 0 ? '  (empty directory)' : '');
      continue;
    }
    const marker = state.scroll + k === state.cursor ? '>' : ' ';
    const share = data.dirBytes > 0 ? row.bytes / data.dirBytes : 0;
    const size = pad(formatBytes(row.bytes), 10, 'right');
    const percent = pad(`${(share * 100).toFixed(1)}%`, 6, 'right');
    const parts = [marker, size, percent, `[${bar(share, 10)}]`];
    if (wide) {
      parts.push(pad(row.category, 8, 'left'), pad(formatAge(row.newest * 1000, data.now), 7, 'right'));
      parts.push(pad(row.isDir ? formatCount(row.files) : '', 8, 'right'));
    }
    parts.push(`${terminalText(row.name)}${row.isDir ? '/' : ''}${row.note ? `  ${row.note}` : ''}`);
    lines.push(truncate(parts.join(' '), width));
  }
  if (state.info && data.info) {
    const i = data.info;
    lines.push(
      `─ ${terminalText(i.path)}`,
      `  type: ${i.type}${i.note ? ` (${i.note})` : ''}    category: ${i.kind}`,
      `  disk usage: ${formatBytes(i.allocatedBytes)}    apparent size: ${formatBytes(i.apparentBytes)}`,
      `  files: ${formatCount(i.files)}    newest modification: ${newestText(i.newest, data.now)}`,
      '',
      '',
    );
  }
  let status = terminalText(state.message ?? ''); // may name a path
  if (data.confirm) {
    const c = data.confirm;
    const what = `${c.isDir ? `/ and everything in it (${formatCount(c.files)} files)` : ''}, ${formatBytes(c.bytes)}? [y/N] `;
    // a long path gives way in its middle: the question and its [y/N] stay on screen
    status = `Delete ${middleCut(terminalText(c.path), width - 'Delete '.length - cellWidth(what))}${what}`;
  }
  lines.push(status);
  lines.push(totalsLine(data.totals, data.rowCount, width));
  return lines.slice(0, height).map((l) => truncate(l, width));
}

/** ncdu's bottom line, in the longest form that fits the width (78 columns hold the shortest). */
export function totalsLine(t: BrowserFrameData['totals'], entries: number, width: number): string {
  const disk = formatBytes(t.allocatedBytes);
  const apparent = formatBytes(t.apparentBytes);
  const files = formatCount(t.files);
  const forms = [
    `Total disk usage: ${disk}  Apparent size: ${apparent}  Files: ${files}  (${formatCount(entries)} entries here)`,
    `Total disk usage: ${disk}  Apparent size: ${apparent}  Files: ${files}  (${formatCount(entries)} here)`,
    `Disk usage: ${disk}  Apparent: ${apparent}  Files: ${files}  (${formatCount(entries)} here)`,
    `Disk ${disk}  Apparent ${apparent}  Files ${files}`,
  ];
  return forms.find((f) => cellWidth(f) <= width) ?? (forms[forms.length - 1] as string);
}

/** The text cut to `width` cells by taking out its middle ("/srv/data/…/file.log"). */
function middleCut(text: string, width: number): string {
  if (cellWidth(text) <= width) return text;
  if (width < 5) return truncate(text, Math.max(0, width));
  const chars = [...text];
  const tail: string[] = [];
  let used = 1; // the ellipsis
  const half = Math.floor((width - 1) / 2);
  for (let i = chars.length - 1; i >= 0 && used + cellWidth(chars[i] as string) <= 1 + half; i--) {
    tail.unshift(chars[i] as string);
    used += cellWidth(chars[i] as string);
  }
  return `${truncate(text, width - used)}…${tail.join('')}`;
}

/** When the newest file was modified, or "unknown" (0: the scan had no mtimes, an ncdu export without -e). */
function newestText(newestSeconds: number, now: number): string {
  if (!(newestSeconds > 0)) return 'unknown';
  const when = new Date(newestSeconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
  return `${when} (${formatAge(newestSeconds * 1000, now)} ago)`;
}
