/**
 * `hog profile`'s table against memory_profiler on the same situations (issue 14): known allocations,
 * values asserted within a tolerance.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../helpers/hog.js';
import { fn, type JsonLineReport, row, runProfile } from '../helpers/profileFixtures.js';

const MiB = 1024 * 1024;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hog-test-profile-answers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const LOOP = `// @profile
function work() {
  const items = [];
  for (let i = 0; i < 40; i++) {
    items.push(Buffer.alloc(1024 * 1024, 1));
  }
  return items.length;
}
work();
`;

describe('hog profile: the right answers', () => {
  it('a for header shows the highest memory over its runs, as memory_profiler (not its entry value)', async () => {
    const report = json<JsonLineReport>(await runProfile(['--json', script('loop.js', LOOP)]));
    const work = fn(report, 'work');
    const entry = row(work, 2).memUsage as number;
    const header = row(work, 4);
    // memory_profiler on the same loop: the for line's Mem usage is the body's after the last append
    expect(header.occurrences).toBe(41);
    expect(Math.abs((header.memUsage as number) - entry - 40 * MiB)).toBeLessThan(MiB);
    expect(header.memUsage).toBe(row(work, 5).memUsage);
    expect(Math.abs((row(work, 5).increment as number) - 40 * MiB)).toBeLessThan(MiB / 2);
  });

  it('a function that throws: occurrences of its one line match its calls', async () => {
    const path = script(
      'throws.js',
      `// @profile
function f(n) { throw new Error('boom ' + Buffer.alloc(n).length); }
for (let i = 0; i < 3; i++) {
  try { f(1024); } catch {}
}
`,
    );
    const result = await runProfile([path]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ +2 +[\d.]+ [KM]iB +[\d.]+ K?i?B +3 +function f\(n\)/m);
    expect(result.stdout).toContain('f: 3 calls');
    const report = json<JsonLineReport>(await runProfile(['--json', path]));
    expect(row(fn(report, 'f'), 2).occurrences).toBe(3);
  });

  it('--metric rss says what was resident before the script, well under what hog itself used to add', async () => {
    const path = script('loop-rss.js', LOOP);
    // a warm cache: no TypeScript compiler in the process. The script is new (a new path, a new cache
    // key), so one run compiles it first: on that run the compile worker's own memory, released in its
    // thread while the loop runs, moved the line's RSS increment by up to 8 MiB either way
    await runProfile([path]);
    const report = json<JsonLineReport & { baseline: number }>(
      await runProfile(['--json', '--metric', 'rss', path]),
    );
    // Node.js alone is ~40-60 MiB
    expect(report.baseline).toBeGreaterThan(20 * MiB);
    expect(report.baseline).toBeLessThan(120 * MiB);
    const work = fn(report, 'work');
    expect(Math.abs((row(work, 5).increment as number) - 40 * MiB)).toBeLessThan(4 * MiB);
    const text = await runProfile(['--metric', 'rss', path]);
    expect(text.stdout).toMatch(
      /When the script's first module loaded, the process already had [\d.]+ MiB\s+resident/,
    );
  });
});

describe('hog profile: files Node.js cannot parse', () => {
  it('a .js syntax error: file:line:col, exit 2, no stack', async () => {
    const path = script('bad.js', 'const a = 1;\nconst b = ;\n');
    const result = await runProfile([path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`hog: ${path}:2:11: Unexpected token ';'`);
    expect(result.stderr).not.toContain('    at ');
    expect(result.stderr).not.toContain('no function was profiled');
  });

  it('a .mjs syntax error, also when imported', async () => {
    const bad = script('bad.mjs', 'export const a = 1;\nconst = 2;\n');
    const main = script('imports-bad.mjs', "console.log('x');\nimport './bad.mjs';\n");
    for (const path of [bad, main]) {
      const result = await runProfile([path]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`hog: ${bad}:2:7: Unexpected token '='`);
      expect(result.stderr).not.toContain('    at ');
      expect(result.stdout).toBe('');
    }
  });

  it('a binary file', async () => {
    const path = join(dir, 'binary.js');
    writeFileSync(path, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]));
    const result = await runProfile([path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`hog: "${path}" is a binary file, not a script`);
  });
});

describe('hog profile: a project laid out like a real one', () => {
  it('tsconfig extends a base with path aliases, a .tsx module, a worker thread with @profile', async () => {
    const project = join(dir, 'project');
    for (const sub of ['config', 'src/lib', 'src/ui']) mkdirSync(join(project, sub), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{ "name": "app", "type": "module" }\n');
    writeFileSync(
      join(project, 'config', 'tsconfig.base.json'),
      `{
  // shared settings, as a monorepo keeps them
  "compilerOptions": {
    "target": "ES2022",
    "experimentalDecorators": true,
    "baseUrl": "../src",
    "paths": { "@lib/*": ["lib/*"], "@ui/*": ["ui/*"] },
  },
}
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      '{ "extends": "./config/tsconfig.base.json", "compilerOptions": { "strict": true } }\n',
    );
    writeFileSync(
      join(project, 'src', 'lib', 'buffers.ts'),
      'export function chunk(size: number): Buffer {\n  return Buffer.alloc(size, 1);\n}\n',
    );
    writeFileSync(
      join(project, 'src', 'ui', 'view.tsx'),
      `import { chunk } from '@lib/buffers';

interface Row<T> { value: T }

// @profile
export function render<T,>(rows: Row<T>[]): Buffer[] {
  const out: Buffer[] = [];
  for (const row of rows) {
    out.push(chunk(1024 * 1024));
  }
  return out;
}
`,
    );
    writeFileSync(
      join(project, 'src', 'worker.ts'),
      `import { parentPort } from 'node:worker_threads';
import { chunk } from '@lib/buffers';

// @profile
function inWorker(n: number): number {
  const kept: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    kept.push(chunk(512 * 1024));
  }
  return kept.length;
}

parentPort?.postMessage(inWorker(20));
`,
    );
    const main = join(project, 'src', 'main.ts');
    writeFileSync(
      main,
      `import { Worker } from 'node:worker_threads';
import { render } from '@ui/view';

const kept = render(Array.from({ length: 30 }, (_, i) => ({ value: i })));
const worker = new Worker(new URL('./worker.ts', import.meta.url));
worker.on('message', (n) => console.error(\`worker kept \${n}, main kept \${kept.length}\`));
`,
    );
    const result = await runProfile(['--json', main]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('worker kept 20, main kept 30');
    const report = json<JsonLineReport>(result);
    const render = fn(report, 'render');
    expect(render.file).toBe(join(project, 'src', 'ui', 'view.tsx'));
    expect(row(render, 9).occurrences).toBe(30);
    expect(Math.abs((row(render, 9).increment as number) - 30 * MiB)).toBeLessThan(MiB);
    const inWorker = fn(report, 'inWorker');
    expect(inWorker.file).toBe(join(project, 'src', 'worker.ts'));
    expect(row(inWorker, 8).occurrences).toBe(20);
    expect(Math.abs((row(inWorker, 8).increment as number) - 10 * MiB)).toBeLessThan(MiB);
  });
});
