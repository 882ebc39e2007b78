/**
 * `hog profile --sample` (allocation sampling, flame graph), the `hog run` markers, --break-above
 * and --metric rss, on real scripts.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
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

interface SampleReport {
  mode: 'sample';
  churn: boolean;
  totalBytes: number;
  sites: { function: string; file: string; line: number; bytes: number; share: number }[];
  flameGraph: string | null;
}

describe('hog profile --sample', () => {
  it('ranks the known hot allocation site first, at its file:line, and writes an offline flame graph', async () => {
    const flame = join(scripts.dir, 'flame.html');
    const result = await runProfile(['--sample', '--json', '-o', flame, scripts.path('hot.js')]);
    expect(result.code, result.stderr).toBe(0);
    const report = json<SampleReport>(result);
    expect(report.churn).toBe(false);
    const [top] = report.sites;
    expect(top).toMatchObject({ function: 'hotSite', file: scripts.path('hot.js'), line: 2 });
    // 200,000 rows of an object, a string and a 2-element array are still referenced at exit
    expect(top?.bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(top?.share).toBeGreaterThan(80);
    expect(report.sites.find((s) => s.function === 'coldSite')?.bytes ?? 0).toBeLessThan(top?.bytes ?? 0);

    expect(report.flameGraph).toBe(flame);
    const html = readFileSync(flame, 'utf8');
    expect(html).toContain('"n":"hotSite"');
    expect(html).toContain('<script>');
    // self-contained: no external scripts, styles or fonts
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('--churn also counts objects already collected, and the table says so', async () => {
    const result = await runProfile(['--sample', '--churn', scripts.path('allocations.ts')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('including objects already garbage-collected (churn)');
    expect(result.stdout).toMatch(/BYTES\s+SHARE\s+FUNCTION\s+FILE:LINE/);
    // strings() is a TypeScript function: its site is the .ts line of its definition
    expect(result.stdout).toMatch(new RegExp(`strings\\s+${scripts.path('allocations.ts')}:16`));
  });
});

describe('hog profile: markers for hog run', () => {
  it('appends one JSON line per profiled function entry and exit to HOG_MARKER_FILE', async () => {
    const markers = join(scripts.dir, 'markers.jsonl');
    const started = Date.now();
    const result = await runProfile(['--json', scripts.path('allocations.ts')], {
      env: { HOG_MARKER_FILE: markers },
    });
    expect(result.code, result.stderr).toBe(0);
    const lines = readFileSync(markers, 'utf8').trim().split('\n');
    const events = lines.map(
      (line) => JSON.parse(line) as { t: number; event: string; name: string; pid: number },
    );
    expect(events.map((e) => `${e.event} ${e.name}`)).toEqual([
      'enter strings',
      'exit strings',
      'enter arrays',
      'exit arrays',
      'enter buffers',
      'exit buffers',
    ]);
    for (const e of events) {
      expect(Object.keys(e).sort()).toEqual(['event', 'name', 'pid', 't']);
      expect(e.t).toBeGreaterThanOrEqual(started);
      expect(e.t).toBeLessThanOrEqual(Date.now());
      expect(e.pid).not.toBe(process.pid);
    }
    expect(new Set(events.map((e) => e.pid)).size).toBe(1);
    const times = events.map((e) => e.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});

describe('hog profile --break-above and --metric', () => {
  it('writes a heap snapshot when a profiled function goes above the threshold, and says where', async () => {
    const result = await runProfile(['--json', '--break-above', '12M', scripts.path('allocations.ts')], {
      cwd: scripts.dir,
    });
    expect(result.code, result.stderr).toBe(0);
    const report = json<JsonLineReport>(result);
    expect(report.snapshots).toHaveLength(1);
    const [snapshot] = report.snapshots;
    expect(snapshot?.function).toBe('arrays'); // the 8 MB array takes the heap past 12 MiB
    expect(snapshot?.threshold).toBe(12 * 1024 * 1024);
    expect(snapshot?.bytes).toBeGreaterThan(12 * 1024 * 1024);
    expect(snapshot?.path.startsWith(scripts.dir)).toBe(true);
    expect(existsSync(snapshot?.path as string)).toBe(true);
    expect(statSync(snapshot?.path as string).size).toBeGreaterThan(100_000);
    expect(result.stderr).toContain(`heap snapshot written to ${snapshot?.path}`);
    // writing the snapshot collected garbage: no line is charged with that drop
    expect(row(fn(report, 'arrays'), 5).increment as number).toBeGreaterThan(7_000_000);
    rmSync(snapshot?.path as string);
  });

  it('--metric rss measures the resident set size instead', async () => {
    const result = await runProfile(['--json', '--metric', 'rss', scripts.path('allocations.ts')]);
    expect(result.code, result.stderr).toBe(0);
    const report = json<JsonLineReport>(result);
    expect(report.metric).toBe('rss');
    expect(report.measures).toContain('resident set size');
    // RSS holds the 10 MiB Buffer: Buffer.alloc(size, 1) writes every page
    const line = row(fn(report, 'buffers'), 11);
    expect(line.increment as number).toBeGreaterThan(9 * 1024 * 1024);
    expect(line.memUsage as number).toBeGreaterThan(line.increment as number);
  });
});
