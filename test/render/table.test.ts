import { describe, expect, it } from 'vitest';
import { cellWidth, renderTable, type TableColumn, truncate } from '../../src/render/table.js';

interface R {
  n: number;
  s: string;
}
const columns: TableColumn<R>[] = [
  { header: 'N', align: 'right', text: (r) => String(r.n) },
  { header: 'NAME', align: 'left', text: (r) => r.s, flex: true },
];

describe('renderTable', () => {
  it('aligns numbers right and text left, without trailing spaces', () => {
    expect(
      renderTable(columns, [
        { n: 5, s: 'a' },
        { n: 1234, s: 'bb' },
      ]),
    ).toEqual(['   N NAME', '   5 a', '1234 bb']);
  });

  it('cuts lines to the width when there is one', () => {
    const lines = renderTable(columns, [{ n: 1, s: 'x'.repeat(100) }], { width: 20 });
    expect(lines.every((l) => cellWidth(l) <= 20)).toBe(true);
  });

  it('escapes control characters in cells, and sizes columns by the escaped text', () => {
    expect(
      renderTable(columns, [
        { n: 1, s: 'a\nb\x1b[31m' },
        { n: 22, s: 'c' },
      ]),
    ).toEqual([' N NAME', ' 1 a\\nb\\x1b[31m', '22 c']);
  });

  it('counts wide characters as two cells', () => {
    expect(cellWidth('日本')).toBe(4);
    expect(truncate('日本語', 5)).toBe('日本');
  });
});
