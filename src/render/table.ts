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

/** Column widths for rows given as any iterable (one pass, no spread: a million rows are fine). */
export function columnWidths<R>(columns: readonly TableColumn<R>[], rows: Iterable<R>): number[] {
  function* cells(): Iterable<string[]> {
    for (const row of rows) yield rowCells(columns, row);
  }
  return cellWidths(columns, cells());
}

/** Column widths of rows already formatted and escaped. */
function cellWidths<R>(columns: readonly TableColumn<R>[], cellRows: Iterable<readonly string[]>): number[] {
  const widths = columns.map((c) => Math.max(c.minWidth ?? 0, cellWidth(c.header)));
  for (const row of cellRows) {
    for (let i = 0; i < row.length; i++) {
      const w = cellWidth(row[i] as string);
      if (w > (widths[i] as number)) widths[i] = w;
    }
  }
  return widths;
}

/** One line of a table whose widths are known: for printing rows as they come. */
export function formatRow<R>(
  columns: readonly TableColumn<R>[],
  widths: readonly number[],
  values: readonly string[],
  width?: number,
): string {
  const parts = values.map((value, i) => {
    const column = columns[i] as TableColumn<R>;
    const last = i === values.length - 1;
    // the last left-aligned column is not padded, so lines carry no trailing spaces
    return last && column.align === 'left' ? value : pad(value, widths[i] ?? 0, column.align);
  });
  const line = parts.join(' ');
  return width !== undefined ? truncate(line, width) : line;
}

/** The cells of one row: names and command lines from other users, escaped here for every table. */
export function rowCells<R>(columns: readonly TableColumn<R>[], row: R): string[] {
  return columns.map((c) => terminalText(c.text(row)));
}

export function renderTable<R>(
  columns: readonly TableColumn<R>[],
  rows: readonly R[],
  options: TableOptions = {},
): string[] {
  // each cell is formatted and escaped once (hog ps prints hundreds of rows at every start)
  const cells = rows.map((row) => rowCells(columns, row));
  const widths = cellWidths(columns, cells);
  const lines: string[] = [];
  if (options.header !== false)
    lines.push(
      formatRow(
        columns,
        widths,
        columns.map((c) => c.header),
        options.width,
      ),
    );
  for (const row of cells) lines.push(formatRow(columns, widths, row, options.width));
  return lines;
}
