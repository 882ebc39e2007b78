/**
 * The compile worker failing on a module (here: a config whose function list is not a list, which
 * throws before TypeScript is reached) is hog's failure, not the module's: the synchronous call gives
 * the hook a compile error marked as hog's and records it for hog profile, instead of throwing into
 * the program's require(). Run on the built worker (dist/), as the profiled program runs it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChildConfig } from '../../src/profiler/childConfig.js';
import type { SyncCompiler as SyncCompilerType } from '../../src/profiler/syncCompiler.js';

const DIST = fileURLToPath(new URL('../../dist/profiler/syncCompiler.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hog-sync-compiler-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SyncCompiler', () => {
  it("answers a failure of the worker with a compile error marked as hog's, and records it", async () => {
    const { SyncCompiler } = (await import(DIST)) as { SyncCompiler: typeof SyncCompilerType };
    const config = { dir, mode: 'line', metric: 'time', functionNames: null } as unknown as ChildConfig;
    const file = join(dir, 'app.js');
    const result = new SyncCompiler(config).compile(file, 'module.exports = 1;\n', 'commonjs');
    const expected = {
      file,
      line: 1,
      column: 1,
      message: "hog's compile worker failed: TypeError: Cannot read properties of null (reading 'some')",
      byHog: true,
    };
    expect(result).toEqual({ error: expected });
    expect(readFileSync(join(dir, 'errors.jsonl'), 'utf8')).toBe(`${JSON.stringify(expected)}\n`);
  });
});
