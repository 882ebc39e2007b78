/**
 * Plain-text tables: right-aligned numbers, left-aligned text, the last column (usually COMMAND) cut to
 * the terminal width when there is one. Shared by every command that prints rows.
 */
import { terminalText } from './terminalText.js';

export interface TableColumn<R> {
  header: string;
  align: 'left' | 'right';
  text: (row: R) => string;
  /** The column that absorbs the remaining width and is cut when the line is too long. */
  flex?: boolean;
  /** A minimum width, so live views do not jump as values change. */
  minWidth?: number;
}

export interface TableOptions {
  /** Cut lines to this many columns (a terminal's width); undefined = never cut (a pipe). */
  width?: number | undefined;
  /** Print the header line (default true). */
  header?: boolean;
}

/** Terminal cells of a string; enough for the Latin, box-drawing and symbol text hog prints. */
export function cellWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 32 || (code >= 0x7f && code < 0xa0) || (code >= 0x300 && code < 0x370)) continue;
    // East Asian wide and emoji ranges take two cells
    width +=
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x1f300 && code <= 0x1faff) ||
      (code >= 0x20000 && code <= 0x3fffd)
        ? 2
        : 1;
  }
  return width;
}

/** Cut text to at most `width` cells. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (cellWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = cellWidth(ch);
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  return out;
}

export function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - cellWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

export function renderTable<R>(
  columns: readonly TableColumn<R>[],
  rows: readonly R[],
  options: TableOptions = {},
): string[] {
  // cells hold names and command lines from other users: escaped here, once for every table
  const cells = rows.map((row) => columns.map((c) => terminalText(c.text(row))));
  const widths = columns.map((c) => Math.max(c.minWidth ?? 0, cellWidth(c.header)));
  for (const row of cells) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] as number, cellWidth(cell));
    });
  }
  const lines: string[] = [];
  const format = (values: string[]): string => {
    const parts = values.map((value, i) => {
      const column = columns[i] as TableColumn<R>;
      const last = i === values.length - 1;
      // the last left-aligned column is not padded, so lines carry no trailing spaces
      return last && column.align === 'left' ? value : pad(value, widths[i] ?? 0, column.align);
    });
    const line = parts.join(' ');
    return options.width !== undefined ? truncate(line, options.width) : line;
  };
  if (options.header !== false) lines.push(format(columns.map((c) => c.header)));
  for (const row of cells) lines.push(format(row));
  return lines;
}
