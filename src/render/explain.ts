/** The `--explain` legend: what each column shown means and where its number comes from. */
import { wrap } from './wrap.js';

export interface Explained {
  header: string;
  meaning: string;
  source: string;
}

export function explainLines(columns: readonly Explained[], width = 80): string[] {
  const name = columns.reduce((m, c) => Math.max(m, c.header.length), 0);
  const lines: string[] = [];
  for (const c of columns) {
    const indent = ' '.repeat(name + 2);
    const body = wrap(`${c.meaning} (from ${c.source})`, Math.max(20, width - name - 2));
    for (const [i, text] of body.entries())
      lines.push(i === 0 ? `${c.header.padEnd(name)}  ${text}` : `${indent}${text}`);
  }
  return lines;
}
