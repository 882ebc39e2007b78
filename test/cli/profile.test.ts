/**
 * `hog profile` line mode on real scripts (test/fixtures/profile), run as a user runs it: known
 * allocations per line, exact occurrences, async, TypeScript features, compiled code with source maps.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../helpers/hog.js';
import {
  fn,
  type JsonLineReport,
  profileScripts,
  row,
  runProfile,
  type ScriptDir,
} from '../helpers/profileFixtures.js';

let scripts: ScriptDir;
beforeAll(() => {
  scripts = profileScripts();
});
afterAll(() => scripts.remove());

const MiB = 1024 * 1024;

/** Within `tolerance` (a fraction) of `expected`. */
function near(actual: number | null, expected: number, tolerance = 0.1): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(expected * tolerance);
}

describe('hog profile: known allocations', () => {
  let report: JsonLineReport;
  let table: string;
  beforeAll(async () => {
    const [asJson, asTable] = await Promise.all([
      runProfile(['--json', scripts.path('allocations.ts')]),
      runProfile([scripts.path('allocations.ts')]),
    ]);
    expect(asJson.code, asJson.stderr).toBe(0);
    report = json<JsonLineReport>(asJson);
    table = asTable.stdout;
  });

  it('measures an 8 MB array on its line (new Array(1e6).fill(0): 1e6 slots of 8 bytes)', () => {
    const arrays = fn(report, 'arrays');
    near(row(arrays, 5).increment, 8_000_000);
    expect(row(arrays, 5).occurrences).toBe(1);
    expect(row(arrays, 6).increment).toBeLessThan(4096);
  });

  it('measures a 10 MiB Buffer (external memory) on its line', () => {
    near(row(fn(report, 'buffers'), 11).increment, 10 * MiB);
  });

  it('measures a string built in a loop, with exact occurrences', () => {
    const strings = fn(report, 'strings');
    // each `text += 'abcdefghij'` makes a V8 ConsString of 32 bytes (64-bit, no pointer compression)
    near(row(strings, 19).increment, 100_000 * 32);
    expect(row(strings, 18).occurrences).toBe(100_001); // the for line: n + 1 times, as memory_profiler counts
    expect(row(strings, 19).occurrences).toBe(100_000);
    expect(row(strings, 21).occurrences).toBe(1);
    expect(row(strings, 20).occurrences).toBeNull(); // a closing brace runs nothing
  });

  it('says which profiled function was never called', () => {
    expect(report.notCalled.map((f) => f.name)).toEqual(['unused']);
    expect(table).toContain('unused (');
    expect(table).toContain('is profiled but was never called');
  });

  it('prints memory_profiler tables with the source lines and what Mem usage measures', () => {
    expect(table).toContain('Line #    Mem usage    Increment  Occurrences   Line Contents');
    expect(table).toContain(`=${'='.repeat(60)}\n`);
    expect(table).toContain(`Filename: ${scripts.path('allocations.ts')}`);
    expect(table).toMatch(
      /^\s+5\s+[\d.]+ MiB\s+7\.6 MiB\s+1 {3}\s*const filled = new Array\(1e6\)\.fill\(0\);$/m,
    );
    expect(table).toContain('Mem usage: V8 heap used + external memory');
    expect(report.metric).toBe('heap');
  });
});

describe('hog profile: language features', () => {
  it('keeps what other code allocates during an await out of the awaiting line', async () => {
    const result = await runProfile(['--json', scripts.path('async.ts')]);
    expect(result.code, result.stderr).toBe(0);
    const load = fn(json<JsonLineReport>(result), 'load');
    near(row(load, 11).increment, 500_000 * 8);
    // the timer allocates ~1.6 MB every 2 ms during the 100 ms await: none of it is the await's
    expect(Math.abs(row(load, 12).increment as number)).toBeLessThan(256 * 1024);
    near(row(load, 13).increment, 8 * MiB);
  });

  it('runs TypeScript with types, an enum, generics, parameter properties and decorators', async () => {
    const result = await runProfile(['--json', scripts.path('typed.ts')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('calling build'); // the script's stdout goes to stderr with --json
    const build = fn(json<JsonLineReport>(result), 'Builder.build');
    expect(build.startLine).toBe(29); // from the decorators, as memory_profiler starts at @profile
    expect(build.headerLine).toBe(31);
    expect(row(build, 31).occurrences).toBe(1);
    expect(row(build, 34).occurrences).toBe(100_001); // Level.High * 10_000 + 1
    expect(row(build, 35).occurrences).toBe(100_000);
    expect(row(build, 35).content).toBe('      items.push(this.make(i));');
    expect(row(build, 35).increment as number).toBeGreaterThan(100_000 * 16);
  });

  it('counts recursion, generators, nested profiled functions and every kind of loop exactly', async () => {
    const result = await runProfile(['--json', scripts.path('control.js')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('55 3 18');
    const report = json<JsonLineReport>(result);
    const counts = (name: string): Record<number, number | null> =>
      Object.fromEntries(fn(report, name).rows.map((r) => [r.line, r.occurrences]));

    expect(fn(report, 'fib').calls).toBe(177);
    expect(counts('fib')).toMatchObject({ 5: 177, 6: 177, 7: 88 });
    expect(counts('countdown')).toMatchObject({ 11: 1, 12: 4, 13: 3, 14: 3 });
    expect(counts('inner')).toMatchObject({ 19: 3, 20: 3 });
    expect(counts('outer')).toMatchObject({ 25: 1, 26: 4, 27: 3, 29: 1 });
    // outer's loop line includes what the nested profiled inner() allocated: 1000+2000+3000 slots
    expect(row(fn(report, 'outer'), 27).increment as number).toBeGreaterThan(6000 * 8);
    expect(counts('loops')).toMatchObject({
      35: 6, // for (let i = 0; i < 5; i++)
      36: 5,
      39: 4, // while (j < 3)
      40: 3,
      43: 3, // do { j-- }
      44: 3, // } while (j > 0)
      45: 3, // for (const key in {a, b})
      46: 2,
      48: 4, // labelled for...of over 3 items
      49: 3,
      51: 1, // continue outerLoop
      53: 2,
      56: 1,
      57: 1,
      59: 1,
      61: 1,
    });
  });

  it('profiles functions named with --function, in a script that marks nothing', async () => {
    const result = await runProfile(['--json', '--function', 'coldSite', scripts.path('hot.js')]);
    expect(result.code, result.stderr).toBe(0);
    const report = json<JsonLineReport>(result);
    expect(report.functions.map((f) => f.name)).toEqual(['coldSite']);
    expect(row(fn(report, 'coldSite'), 11).occurrences).toBe(1);
  });

  it('passes arguments after the script to the script', async () => {
    const script = join(scripts.dir, 'args.js');
    writeFileSync(
      script,
      "// @profile\nfunction show(a) {\n  return a.join(' ');\n}\nconsole.log(show(process.argv.slice(2)));\n",
    );
    const result = await runProfile(['--json', script, '--port', '0', 'x']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('--port 0 x');
  });
});

describe('hog profile: compiled code and the library', () => {
  it('maps compiled JavaScript back to the TypeScript lines through its source map', async () => {
    const project = join(scripts.dir, 'compiled');
    mkdirSync(join(project, 'src'), { recursive: true });
    mkdirSync(join(project, 'dist'), { recursive: true });
    const source = [
      "import { profile } from 'hog';", // 1
      '', // 2
      'interface Row {', // 3
      '  id: number;', // 4
      '}', // 5
      '', // 6
      'export class Table {', // 7
      '  @profile', // 8
      '  fill(n: number): Row[] {', // 9
      '    const rows: Row[] = [];', // 10
      '    for (let i = 0; i < n; i++) {', // 11
      '      rows.push({ id: i });', // 12
      '    }', // 13
      '    return rows;', // 14
      '  }', // 15
      '}', // 16
      '', // 17
      'console.log(new Table().fill(5000).length);', // 18
      '',
    ].join('\n');
    writeFileSync(join(project, 'src', 'table.ts'), source);
    // what tsc writes for this file: CommonJS, decorators lowered, a .map beside it
    const out = ts.transpileModule(source, {
      fileName: join(project, 'src', 'table.ts'),
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true },
    });
    const map = JSON.parse(out.sourceMapText as string) as { sources: string[]; file: string };
    map.sources = ['../src/table.ts'];
    map.file = 'table.js';
    writeFileSync(
      join(project, 'dist', 'table.js'),
      out.outputText.replace(/table\.js\.map/, 'table.js.map'),
    );
    writeFileSync(join(project, 'dist', 'table.js.map'), JSON.stringify(map));

    const result = await runProfile(['--json', join(project, 'dist', 'table.js')]);
    expect(result.code, result.stderr).toBe(0);
    const fill = fn(json<JsonLineReport>(result), 'Table.fill');
    expect(fill.file).toBe(join(project, 'src', 'table.ts'));
    expect(fill.mode).toBe('line');
    expect(row(fill, 9).content).toBe('  fill(n: number): Row[] {');
    expect(row(fill, 11).occurrences).toBe(5001);
    expect(row(fill, 12).occurrences).toBe(5000);
  });

  it('profile(fn) and require("hog") in CommonJS: the wrapped function is profiled line by line', async () => {
    const script = join(scripts.dir, 'wrapped.cjs');
    writeFileSync(
      script,
      [
        "const { profile } = require('hog');",
        'const build = profile((n) => {',
        '  const out = new Array(n).fill(1);',
        '  return out.length;',
        '});',
        'console.log(build(100000));',
        '',
      ].join('\n'),
    );
    const result = await runProfile(['--json', script]);
    expect(result.code, result.stderr).toBe(0);
    const build = fn(json<JsonLineReport>(result), 'build');
    expect(build.mode).toBe('line');
    near(row(build, 3).increment, 800_000);
  });

  it('profile() under plain node measures whole calls and reports them on stderr at exit', async () => {
    const script = join(scripts.dir, 'plain.mjs');
    const entry = join(process.cwd(), 'dist', 'index.js');
    writeFileSync(
      script,
      [
        `import { profile } from ${JSON.stringify(entry)};`,
        'const build = profile(function build(n) {',
        '  return new Array(n).fill(1);',
        '});',
        'build(1000000);',
        'build(10);',
        '',
      ].join('\n'),
    );
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('Line #    Mem usage    Increment  Occurrences   Line Contents');
    // 1,000,000 elements of 8 bytes plus the array's header: 7.63 MiB at least. What else V8 allocates
    // during the first call varies: alone, 22 runs on Node 20.20 (2026-12-06) read 7.6 to 7.8; inside
    // the full suite of a fresh clone it read above 7.88 in 3 of 4 runs (cause not found yet). The
    // figure must hold the array and not much more than that noise.
    const row = /^\s+2\s+[\d.]+ MiB\s+([\d.]+) MiB\s+2 {3}const build = profile/m.exec(result.stderr);
    expect(row, result.stderr).not.toBeNull();
    expect(Number(row?.[1]), result.stderr).toBeGreaterThanOrEqual(7.6);
    expect(Number(row?.[1]), result.stderr).toBeLessThanOrEqual(8.6);
    expect(result.stderr).toContain('whole-call figures only');
  });
});

describe('hog profile: exits', () => {
  it('prints the tables when the script throws, and exits as the script did', async () => {
    const result = await runProfile([scripts.path('throws.ts')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: too many parts: 3');
    expect(result.stderr).toContain(`${scripts.path('throws.ts')}:6`); // stack trace in the .ts
    expect(result.stdout).toMatch(
      /^\s+6\s+[\d.]+ [KM]iB\s+[-\d.]+ [KMi]*B\s+2 {3}\s*if \(copy\.length > 2\)/m,
    );
    expect(result.stdout).toMatch(/^\s+7\s+[\d.]+ [KM]iB\s+[-\d.]+ [KMi]*B\s+1 {3}\s*return copy;/m);
  });

  it('prints the tables when the script calls process.exit() inside a profiled function', async () => {
    const result = await runProfile(['--json', scripts.path('exits.ts')]);
    expect(result.code).toBe(4);
    const work = fn(json<JsonLineReport>(result), 'work');
    near(row(work, 4).increment, 300_000 * 8);
    expect(row(work, 6).occurrences).toBe(1);
  });
});
