/**
 * `hog profile`'s compile cache, end to end: a repeat run takes its modules from the cache and does not
 * load TypeScript (reported by --verbose, from what the program's module hooks recorded), a changed
 * source misses, a tampered entry is not used, a cache directory others can write is refused, and two
 * runs at once both succeed.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json } from '../helpers/hog.js';
import { fn, type JsonLineReport, row, runProfile } from '../helpers/profileFixtures.js';

const SCRIPT = `import { helper } from './helper.js';

// @profile
function work(n: number): number {
  const kept: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    kept.push(helper(256 * 1024));
  }
  return kept.length;
}

console.log(work(8));
`;
const HELPER = 'export function helper(size: number): Buffer {\n  return Buffer.alloc(size, 1);\n}\n';

let dir: string;
let cache: string;
const env = (): NodeJS.ProcessEnv => ({ XDG_CACHE_HOME: cache });
const entries = (): string[] =>
  readdirSync(join(cache, 'hog', 'profile'))
    .filter((name) => name.endsWith('.json'))
    .sort();
const verboseLine = (stderr: string): string =>
  stderr.split('\n').find((l) => l.startsWith('hog: compile cache')) ?? `(none in: ${stderr})`;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hog-test-profile-cache-'));
  cache = join(dir, 'cache');
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(dir, 'main.ts'), SCRIPT);
  writeFileSync(join(dir, 'helper.ts'), HELPER);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function profile(extra: string[] = []) {
  const result = await runProfile(['--verbose', ...extra, join(dir, 'main.ts')], { env: env() });
  expect(result.code, result.stderr).toBe(0);
  return result;
}

describe('hog profile: compile cache', () => {
  it('a repeat run takes every module from the cache and does not load TypeScript', async () => {
    const first = await profile();
    expect(verboseLine(first.stderr)).toBe(
      `hog: compile cache ${join(cache, 'hog', 'profile')}: 0 modules from the cache, 2 compiled; TypeScript's compiler loaded`,
    );
    expect(entries()).toHaveLength(2);
    const second = await profile();
    expect(verboseLine(second.stderr)).toBe(
      `hog: compile cache ${join(cache, 'hog', 'profile')}: 2 modules from the cache, 0 compiled; TypeScript's compiler not loaded`,
    );
    // the same table from the cache as from the compiler
    expect(second.stdout).toContain('8\n'); // the script's own output
    expect(second.stdout).toMatch(/^ +7 +[\d.]+ MiB +2\.0 MiB +8 +kept\.push\(helper\(256 \* 1024\)\);$/m);
  });

  it('the same answers from the cache: lines and declared functions', async () => {
    await profile();
    const result = await runProfile(['--json', join(dir, 'main.ts')], { env: env() });
    const report = json<JsonLineReport>(result);
    const work = fn(report, 'work');
    expect(row(work, 7).occurrences).toBe(8);
    // 8 buffers of 256 KiB, kept: 2 MiB on the push line, within 64 KiB
    expect(Math.abs((row(work, 7).increment as number) - 2 * 1024 * 1024)).toBeLessThan(64 * 1024);
  });

  it('a changed source misses; the unchanged module still hits', async () => {
    await profile();
    writeFileSync(join(dir, 'main.ts'), SCRIPT.replace('work(8)', 'work(9)'));
    const result = await profile();
    // the edit-and-rerun loop: the compiler itself loads from its V8 code cache
    expect(verboseLine(result.stderr)).toContain(
      "1 module from the cache, 1 compiled; TypeScript's compiler loaded with its code cache",
    );
    expect(result.stdout).toContain('9\n');
    expect(entries()).toHaveLength(3);
  });

  it('a tampered entry (bytes changed) is not used: the module is compiled again', async () => {
    await profile();
    for (const name of entries()) {
      const path = join(cache, 'hog', 'profile', name);
      // what an attacker would want: the program to run other code
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replace(/console\.log\(work\(8\)\)/, 'console.log("PWNED")'),
      );
    }
    const result = await profile();
    expect(result.stdout).not.toContain('PWNED');
    expect(verboseLine(result.stderr)).toContain(': 1 module from the cache, 1 compiled; TypeScript');
    expect(result.stdout).toContain('8\n');
  });

  it('a cache directory writable by others is refused, with why; the run still works', async () => {
    await profile();
    chmodSync(join(cache, 'hog', 'profile'), 0o777);
    const result = await profile();
    expect(result.stderr).toContain(
      `hog: not using the compile cache: ${join(cache, 'hog', 'profile')}: it is writable by everyone (mode 777)`,
    );
    expect(verboseLine(result.stderr)).toBe(
      "hog: compile cache not used: 0 modules from the cache, 2 compiled; TypeScript's compiler loaded",
    );
    expect(result.stdout).toContain('8\n');
  });

  it("CommonJS: a repeat run is served from the cache in the program's thread, without the compiler", async () => {
    const cjs = join(dir, 'cjs');
    mkdirSync(cjs);
    writeFileSync(join(cjs, 'package.json'), '{"type":"commonjs"}\n');
    const path = join(cjs, 'loop.js');
    writeFileSync(
      path,
      '// @profile\nfunction work(n) {\n  const a = [];\n  for (let i = 0; i < n; i++) a.push(Buffer.alloc(1024));\n  return a.length;\n}\nconsole.log(work(5));\n',
    );
    const args = ['--verbose', path];
    const first = await runProfile(args, { env: env() });
    expect(verboseLine(first.stderr)).toContain(
      ": 0 modules from the cache, 1 compiled; TypeScript's compiler loaded",
    );
    const second = await runProfile(args, { env: env() });
    expect(second.code).toBe(0);
    expect(verboseLine(second.stderr)).toContain(
      ": 1 module from the cache, 0 compiled; TypeScript's compiler not loaded",
    );
    expect(second.stdout).toMatch(/^ +4 .* 6 +for \(let i = 0; i < n; i\+\+\) a\.push/m);
  });

  it('two runs at once on a cold cache both succeed and leave whole entries', async () => {
    const [a, b] = await Promise.all([profile(), profile()]);
    for (const r of [a, b]) expect(r.stdout).toContain('8\n');
    expect(entries()).toHaveLength(2); // no temporary files left
    const third = await profile();
    expect(verboseLine(third.stderr)).toContain('2 modules from the cache, 0 compiled');
  });
});
