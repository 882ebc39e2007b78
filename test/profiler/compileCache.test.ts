/** The compile cache: keys, integrity, and the refusals that keep another user's code from running. */

import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachedResult,
  cacheKey,
  decodeEntry,
  defaultCacheRoot,
  encodeEntry,
  type KeyParts,
  openCacheDir,
  readEntry,
  writeEntry,
} from '../../src/profiler/compileCache.js';
import { readCodeCache } from '../../src/profiler/compilerCodeCache.js';

const PARTS: KeyParts = {
  hogVersion: '0.1.0',
  typescriptVersion: '5.9.3',
  file: '/app/a.ts',
  format: 'module',
  options: { mode: 'line', functionNames: [] },
  project: '',
  source: 'export const a = 1;\n',
};
const ENTRY: CachedResult = { format: 'module', code: 'export const a = 1;\n', functions: [] };

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hog-test-cache-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('compile cache', () => {
  it('lives under XDG_CACHE_HOME/hog, else ~/.cache/hog (a relative XDG_CACHE_HOME is ignored)', () => {
    expect(defaultCacheRoot({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/hog');
    expect(defaultCacheRoot({ XDG_CACHE_HOME: 'rel', HOME: '/home/u' })).toBe('/home/u/.cache/hog');
    expect(defaultCacheRoot({ HOME: '/home/u' })).toBe('/home/u/.cache/hog');
  });

  it('a key changes with the source, the options, hog, TypeScript, the file and the project', () => {
    const base = cacheKey(PARTS);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey({ ...PARTS })).toBe(base);
    for (const change of [
      { source: 'export const a = 2;\n' },
      { options: { mode: 'line', functionNames: ['f'] } },
      { hogVersion: '0.1.1' },
      { typescriptVersion: '5.9.4' },
      { file: '/app/b.ts' },
      { format: 'commonjs' },
      { project: '["{}"]' },
    ]) {
      expect(cacheKey({ ...PARTS, ...change })).not.toBe(base);
    }
  });

  it('an entry whose bytes changed does not decode', () => {
    const text = encodeEntry(ENTRY);
    expect(decodeEntry(text)).toEqual(ENTRY);
    expect(decodeEntry(text.replace('a = 1', 'a = 9'))).toBeUndefined();
    expect(decodeEntry('garbage')).toBeUndefined();
  });

  it('creates the directory 0700 and reads back what it wrote; no temporary file is left', () => {
    const opened = openCacheDir(join(root, 'hog'));
    if (!('dir' in opened)) throw new Error(opened.refused);
    const { dir } = opened;
    expect(readdirSync(join(root, 'hog'))).toEqual(['profile']);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'hog')).mode & 0o777).toBe(0o700);
    writeEntry(dir, 'k1', ENTRY);
    expect(readEntry(dir, 'k1')).toEqual(ENTRY);
    expect(readdirSync(dir)).toEqual(['k1.json']);
    expect(statSync(join(dir, 'k1.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses a directory writable by others or owned by another user', () => {
    const hog = join(root, 'hog');
    mkdirSync(join(hog, 'profile'), { recursive: true });
    chmodSync(join(hog, 'profile'), 0o777);
    const loose = openCacheDir(hog);
    expect(loose).toEqual({ refused: `${join(hog, 'profile')}: it is writable by everyone (mode 777)` });
    chmodSync(join(hog, 'profile'), 0o770);
    expect(openCacheDir(hog)).toEqual({
      refused: `${join(hog, 'profile')}: it is writable by its group (mode 770)`,
    });
    chmodSync(join(hog, 'profile'), 0o700);
    if (process.getuid?.() !== 0) {
      console.log('skipped the other-owner case: chown needs root');
      return;
    }
    chownSync(hog, 65534, 65534);
    expect(openCacheDir(hog)).toEqual({
      refused: `${hog}: it is owned by uid 65534, not by this user (uid 0)`,
    });
  });

  it('does not use an entry that is a symlink, group-writable, owned by another user or tampered with', () => {
    const opened = openCacheDir(join(root, 'hog'));
    if (!('dir' in opened)) throw new Error(opened.refused);
    const { dir } = opened;
    writeEntry(dir, 'good', ENTRY);
    symlinkSync(join(dir, 'good.json'), join(dir, 'link.json'));
    expect(readEntry(dir, 'link')).toBeUndefined();

    writeEntry(dir, 'loose', ENTRY);
    chmodSync(join(dir, 'loose.json'), 0o620);
    expect(readEntry(dir, 'loose')).toBeUndefined();

    writeEntry(dir, 'tampered', ENTRY);
    const path = join(dir, 'tampered.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('a = 1', 'a = 7'));
    expect(readEntry(dir, 'tampered')).toBeUndefined();

    if (process.getuid?.() === 0) {
      writeEntry(dir, 'theirs', ENTRY);
      chownSync(join(dir, 'theirs.json'), 65534, 65534);
      expect(readEntry(dir, 'theirs')).toBeUndefined();
    } else {
      console.log('skipped the other-owner entry: chown needs root');
    }
    expect(readEntry(dir, 'good')).toEqual(ENTRY);
  });
});

describe("TypeScript's code cache", () => {
  it('is used only when its bytes match their hash and nobody else can write it', () => {
    const path = join(root, 'typescript-x.v8');
    const data = Buffer.from('v8 code cache bytes');
    const digest = createHash('sha256').update(data).digest();
    writeFileSync(path, Buffer.concat([digest, data]), { mode: 0o600 });
    expect(readCodeCache(path)).toEqual(data);
    chmodSync(path, 0o666);
    expect(readCodeCache(path)).toBeUndefined();
    chmodSync(path, 0o600);
    const tampered = Buffer.concat([digest, Buffer.from('v8 code cache bytez')]);
    writeFileSync(path, tampered);
    expect(readCodeCache(path)).toBeUndefined();
    expect(readCodeCache(join(root, 'missing.v8'))).toBeUndefined();
  });
});
