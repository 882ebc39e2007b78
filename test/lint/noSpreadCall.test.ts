/**
 * The lint rule that keeps spreads out of calls (lint/no-spread-call.grit, a Biome plugin enabled for
 * src/ in biome.json): it flags Math.max(...a), a.push(...b) and new X(...a), not spreads into array or
 * object literals nor rest parameters; and src/ has none left.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIOME = join(ROOT, 'node_modules/.bin/biome');
const RULE = join(ROOT, 'lint/no-spread-call.grit');
const dir = mkdtempSync(join(tmpdir(), 'hog-issue14-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Diagnostic {
  category: string;
  location: { path: string; start: { line: number } };
}

function pluginFindings(args: string[], cwd: string): Diagnostic[] {
  const run = spawnSync(BIOME, ['lint', '--reporter=json', '--max-diagnostics=none', ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const report = JSON.parse(run.stdout) as { diagnostics: Diagnostic[] };
  return report.diagnostics.filter((d) => d.category === 'plugin');
}

describe('no spread into calls', () => {
  it('flags every spread into a call and nothing else', () => {
    writeFileSync(join(dir, 'biome.json'), JSON.stringify({ plugins: [RULE] }));
    writeFileSync(
      join(dir, 'sample.ts'),
      [
        'const big = Array.from({ length: 200_000 }, (_, i) => i);', // 1
        'export const max = Math.max(...big);', // 2: flagged
        'export const min = Math.min(0, ...big.map((v) => -v));', // 3: flagged
        'const out: number[] = [];', // 4
        'out.push(...big);', // 5: flagged
        'export const text = String.fromCharCode(...[72, 105]);', // 6: flagged
        'export const set = new Set(...[big]);', // 7: flagged
        'export const copy = [...big, ...out];', // 8: an array literal
        'export const merged = { ...{ a: 1 }, b: 2 };', // 9: an object literal
        'export function rest(...values: number[]) { return values.length; }', // 10: a rest parameter
        'export const wrapped = rest(big.length);', // 11
      ].join('\n'),
    );
    const lines = pluginFindings(['sample.ts'], dir).map((d) => d.location.start.line);
    expect(lines).toEqual([2, 3, 5, 6, 7]);
  });

  it('finds none left in src/', () => {
    expect(pluginFindings(['src'], ROOT)).toEqual([]);
  });
});
