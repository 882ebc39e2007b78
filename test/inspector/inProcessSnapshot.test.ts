/**
 * writeSnapshot() from the library, in a program of its own (through the built package entries, ESM
 * and CommonJS, as a user imports hog): a valid snapshot of that program's heap, and the headroom
 * check refusing a directory without the room.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isRoot, mountTmpfs } from '../helpers/disk.js';
import { tempDir } from '../helpers/store.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const tmp = tempDir('in-process-snapshot');
afterAll(() => tmp.remove());

const PROGRAM = (load: string) => `
${load}
globalThis.keep = Array.from({ length: 5000 }, (_, i) => ({ mine: 'own-' + i }));
try {
  console.log(JSON.stringify(hog.writeSnapshot(process.argv[2])));
} catch (error) {
  console.log(JSON.stringify({ error: error.message, hint: error.hint }));
}`;

describe('writeSnapshot()', () => {
  it.each([
    ['ESM', 'mjs', `const hog = await import(${JSON.stringify(join(DIST, 'index.js'))});`],
    ['CommonJS', 'cjs', `const hog = require(${JSON.stringify(join(DIST, 'index.cjs'))});`],
  ])('writes a snapshot of the calling program (%s)', (_name, ext, load) => {
    const script = join(tmp.dir, `self.${ext}`);
    const file = join(tmp.dir, `self-${ext}.heapsnapshot`);
    execFileSync('sh', ['-c', `cat > ${script}`], { input: PROGRAM(load) });
    const out = JSON.parse(execFileSync(process.execPath, [script, file], { encoding: 'utf8' })) as {
      file: string;
      bytes: number;
    };
    expect(out.file).toBe(file);
    const text = readFileSync(file, 'utf8');
    expect(out.bytes).toBe(Buffer.byteLength(text));
    const parsed = JSON.parse(text) as {
      snapshot: { meta: { node_fields: string[] }; node_count: number };
      nodes: number[];
      strings: string[];
    };
    expect(parsed.nodes.length / parsed.snapshot.meta.node_fields.length).toBe(parsed.snapshot.node_count);
    expect(parsed.strings).toContain('own-4999');
  });

  it('refuses a directory without room for it, with the numbers', (context) => {
    if (!isRoot) {
      console.log('skipped: mounting a small tmpfs needs root');
      context.skip();
    }
    const small = mountTmpfs('in-process-small', 'size=512k');
    try {
      const script = join(tmp.dir, 'small.mjs');
      execFileSync('sh', ['-c', `cat > ${script}`], {
        input: PROGRAM(`const hog = await import(${JSON.stringify(join(DIST, 'index.js'))});`),
      });
      const file = join(small.path, 'x.heapsnapshot');
      const run = spawnSync(process.execPath, [script, file], { encoding: 'utf8' });
      const out = JSON.parse(run.stdout) as { error: string; hint: string };
      expect(out.error).toMatch(
        new RegExp(
          `^not enough room for a heap snapshot: disk: the snapshot takes about [\\d.]+ MiB in ${small.path}, 0\\.5 MiB are free$`,
        ),
      );
      expect(out.hint).toBe('free memory or disk, write elsewhere, or pass { force: true }');
    } finally {
      small.unmount();
    }
  });
});
