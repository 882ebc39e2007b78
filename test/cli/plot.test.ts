/**
 * hog plot end to end: files written by Debian's `mprof run`, corrupt files, recordings in the store,
 * and every output format.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, json, runHog } from '../helpers/hog.js';
import { tempDir } from '../helpers/store.js';

const tmp = tempDir('plot');
const db = join(tmp.dir, 'hog.db');
const env = { HOG_DB: db };
afterAll(() => tmp.remove());

interface PlotJson {
  source: string;
  series: { label: string; role: string; metrics: Record<string, { samples: number; peakBytes: number }> }[];
  verdict: { class: string };
  markers: number;
  skippedLines: number;
  problems: string[];
}

describe('hog plot of memory_profiler files', () => {
  it('reads what `mprof run` wrote: every MEM sample and the FUNC markers of @profile', async () => {
    const script = join(tmp.dir, 'grow.py');
    writeFileSync(
      script,
      'import time\nkeep = []\n@profile\ndef grow():\n    for _ in range(8):\n        keep.append(b"x" * 1024 * 1024)\n        time.sleep(0.05)\ngrow()\ntime.sleep(0.2)\n',
    );
    const dat = join(tmp.dir, 'mprofile_test.dat');
    const mprof = spawnSync('python3-mprof', ['run', '--interval', '0.05', '-o', dat, script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(mprof.status, mprof.stderr).toBe(0);
    const memLines = readFileSync(dat, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('MEM ')).length;
    const out = json<PlotJson>(await runHog(['plot', dat, '--json'], { env }));
    expect(out.skippedLines).toBe(0);
    expect(out.series[0]?.metrics.rss?.samples).toBe(memLines);
    expect(out.series[0]?.metrics.rss?.peakBytes).toBeGreaterThan(8 * 1024 * 1024);
    expect(out.markers).toBe(2);
    expect(out.verdict.class).toBe('not-enough-data');
  });

  it('stops at the first bad line of a file: hog: FILE:LINE: why, exit 2, nothing on stdout', async () => {
    const corrupt = `${FIXTURES}mprof/corrupt.dat`;
    const result = await runHog(['plot', corrupt, '--json'], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(
      `hog: ${corrupt}:4: MEM <MiB> is not a decimal number: "twelve"`,
    );
    expect(result.stderr).toMatch(
      /^hint: an mprof \.dat file has lines "CMDLINE <command>", "MEM <MiB> <seconds>"/m,
    );
    const cases: [string, string, string][] = [
      [
        '1e15 s (crashed with "Invalid time value")',
        'MEM 1 1e15',
        '2: MEM <seconds> 1e15 is not a Unix time from 1990 to 2100',
      ],
      [
        '1e400 MiB',
        'MEM 1e400 1700000000',
        '2: MEM <MiB> 1e400 is out of range (0 to 4294967296 MiB, 4 PiB)',
      ],
      ['1e23 MiB', 'MEM 1e23 1700000000', '2: MEM <MiB> 1e23 is out of range (0 to 4294967296 MiB, 4 PiB)'],
      ['NaN', 'MEM NaN 1700000000', '2: MEM <MiB> is not a decimal number: "NaN"'],
      [
        'negative time',
        'MEM 1 -1700000000',
        '2: MEM <seconds> -1700000000 is not a Unix time from 1990 to 2100',
      ],
      [
        'truncated',
        'MEM 1\nMEM 2 1700000001',
        '2: incomplete line: no MEM <seconds>; expected "MEM <MiB> <seconds>"',
      ],
      [
        'backwards',
        'MEM 1 1700000005\nMEM 2 1700000001',
        "3: time 1700000001 is before the previous sample's (1700000005, line 2)",
      ],
    ];
    for (const [what, lines, error] of cases) {
      const file = join(tmp.dir, 'bad.dat');
      writeFileSync(file, `CMDLINE python3 app.py\n${lines}\nMEM 3 1700000009\n`);
      for (const args of [[], ['-o', join(tmp.dir, 'bad.svg')]]) {
        const bad = await runHog(['plot', file, ...args], { env });
        expect(bad.code, what).toBe(2);
        expect(bad.stdout, what).toBe('');
        expect(bad.stderr.split('\n')[0], what).toBe(`hog: ${file}:${error}`);
      }
    }
  });

  it('skips other line types and an incomplete last line, counts them and says which', async () => {
    const result = await runHog(['plot', `${FIXTURES}mprof/skipped.dat`, '--json'], { env });
    expect(result.code).toBe(0);
    const out = json<PlotJson>(result);
    expect(out.skippedLines).toBe(4);
    expect(result.stderr).toMatch(
      /^note: 4 line\(s\) of .*skipped\.dat skipped: line 6: unknown line type "GARBAGE"; line 7: empty line; line 10: unknown line type "MARK"; \.\.\.$/m,
    );
    expect(out.series.map((s) => s.role)).toEqual(['main', 'child']);
  });

  it('judges a recorded scenario and says so in the terminal, with sparklines', async () => {
    const result = await runHog(['plot', `${FIXTURES}series/node-linear-leak.dat`], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/RSS [▁▂▃▄▅▆▇█]{20,} last .* MiB peak .* MiB/);
    expect(result.stdout).toMatch(/^verdict: leaking \+\d+\.\d MiB\/min \(95% CI/m);
  });
});

describe('hog plot of an overnight recording', () => {
  it('charts 9 hours at 10 Hz (324k samples) as SVG and PNG, and the one-sample peak is drawn', async () => {
    const lines = ['CMDLINE python3 overnight.py'];
    for (let i = 0; i < 324_000; i++) {
      const mib = i === 200_000 ? 500 : 100 + (i % 50) / 100;
      lines.push(`MEM ${mib.toFixed(6)} ${(1_700_000_000 + i / 10).toFixed(4)}`);
    }
    const dat = join(tmp.dir, 'mprofile_overnight.dat');
    writeFileSync(dat, `${lines.join('\n')}\n`);
    const svg = join(tmp.dir, 'overnight.svg');
    const png = join(tmp.dir, 'overnight.png');
    for (const file of [svg, png]) {
      const result = await runHog(['plot', dat, '-o', file], { env });
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(
        `wrote ${file}: stable at 100.0 MiB (trend 0 B/min, not significant) over 9h\n`,
      );
      expect(result.code).toBe(0);
    }
    expect(readFileSync(png).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    // the RSS line reaches the y of 500 MiB: axis to 600 MiB, plot from y 60 to 487
    const rss = readFileSync(svg, 'utf8').match(/<polyline [^>]*stroke="#1f77b4"[^>]*points="([^"]+)"/);
    const ys = (rss?.[1] ?? '').split(' ').map((p) => Number(p.split(',')[1]));
    expect(ys.length).toBeLessThanOrEqual(4 * 881);
    expect(ys.reduce((m, y) => Math.min(m, y), Number.POSITIVE_INFINITY)).toBe(131.2);
    const summary = json<PlotJson>(await runHog(['plot', dat, '--json'], { env }));
    expect(summary.series[0]?.metrics.rss).toEqual({
      samples: 324_000,
      firstBytes: 100 * 1024 * 1024,
      lastBytes: Math.round(100.49 * 1024 * 1024),
      peakBytes: 500 * 1024 * 1024,
    });
  });
});

describe('hog plot of a recording in the store', () => {
  let run = 0;
  beforeAll(async () => {
    const result = await runHog(
      [
        'run',
        '--json',
        '-i',
        '0.05',
        '--',
        'node',
        '-e',
        'const k = Buffer.alloc(20 * 1024 * 1024, 1); setTimeout(() => k, 800)',
      ],
      { env },
    );
    run = json<{ run: number }>(result).run;
  });

  it('writes SVG, PNG and HTML charts with the heap lines beside RSS', async () => {
    const svg = join(tmp.dir, 'c.svg');
    const png = join(tmp.dir, 'c.png');
    const html = join(tmp.dir, 'c.html');
    for (const file of [svg, png, html]) {
      const result = await runHog(['plot', String(run), '-o', file], { env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^wrote .*: not enough data yet/);
    }
    const svgText = readFileSync(svg, 'utf8');
    expect(svgText).toMatch(/^<svg xmlns/);
    expect(svgText).toContain('>V8 heap used</text>');
    expect(svgText).toContain('>array buffers</text>');
    expect(readFileSync(png).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<svg xmlns');
    expect(page).toContain('not-enough-data');
    const last = json<PlotJson>(await runHog(['plot', 'last', '--json'], { env }));
    expect(last.source).toBe(`run ${run} in ${db}`);
  });

  it('says what is wrong with a bad output name, an unknown run, or an empty store', async () => {
    const ext = await runHog(['plot', String(run), '-o', join(tmp.dir, 'chart.jpg')], { env });
    expect(ext.code).toBe(2);
    expect(ext.stderr).toMatch(/^hint: name the output file \*\.svg, \*\.png, \*\.html$/m);
    const unwritable = await runHog(['plot', String(run), '-o', join(tmp.dir, 'no/dir/c.svg')], { env });
    expect(unwritable.code).toBe(2);
    const unknown = await runHog(['plot', '999999'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^hog: no run 999999 in /m);
    const empty = await runHog(['plot', 'last'], { env: { HOG_DB: join(tmp.dir, 'none.db') } });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^hog: no recordings yet: .*none\.db does not exist/m);
    const runs = await runHog(['runs'], { env: { HOG_DB: join(tmp.dir, 'none.db') } });
    expect(runs.stdout).toMatch(/^no recordings yet/);
  });
});
