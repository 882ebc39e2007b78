/** package.json is the version's one place: the CLI bundle, the ESM and the CommonJS entries all say it. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../src/version.js';
import { HOG_BIN } from './helpers/hog.js';

const root = new URL('../', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };

describe('version', () => {
  it('is package.json version everywhere', async () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(VERSION).toBe(version);
    expect(execFileSync(HOG_BIN, ['--version'], { encoding: 'utf8' })).toBe(`${version}\n`);
    const esm = (await import(new URL('dist/index.js', root).href)) as { version: string };
    expect(esm.version).toBe(version);
    const cjs = createRequire(import.meta.url)(new URL('dist/index.cjs', root).pathname) as {
      version: string;
    };
    expect(cjs.version).toBe(version);
  });
});
