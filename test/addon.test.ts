import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { addonCandidates, loadAddon } from '../src/addon.js';

const dir = mkdtempSync(join(tmpdir(), 'hog-addon-'));
const VAR = 'HOG_TEST_ADDON';

afterEach(() => {
  delete process.env[VAR];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadAddon', () => {
  it('loads a built addon from dist/native, once', () => {
    const first = loadAddon<{ readFiles: unknown }>('hog_procread.node');
    if (!first.addon) return expect(first.reason).toBe('missing'); // built without a compiler
    expect(typeof first.addon.readFiles).toBe('function');
    expect(addonCandidates('hog_procread.node')).toContain(first.path);
    expect(first.path.endsWith('/dist/native/hog_procread.node')).toBe(true);
    expect(loadAddon('hog_procread.node')).toBe(first);
  });

  it('says "missing" with the places it looked when the addon was not built', () => {
    const load = loadAddon<object>('hog_never_built.node');
    expect(load.addon).toBeUndefined();
    expect(load).toMatchObject({ reason: 'missing' });
    expect(load.addon === undefined && load.message).toContain('dist/native/hog_never_built.node');
  });

  it('goes without the addon when its variable says none, and loads the named file otherwise', () => {
    process.env[VAR] = 'none';
    expect(loadAddon('hog_procread.node', VAR)).toEqual({ reason: 'disabled', message: `${VAR}=none` });
    process.env[VAR] = join(dir, 'absent.node');
    expect(loadAddon('hog_procread.node', VAR)).toMatchObject({ reason: 'missing' });
  });

  it('reports a file the loader refuses as "failed", with its path and the first line of the error', () => {
    const bogus = join(dir, 'bogus.node');
    writeFileSync(bogus, 'not an ELF file\n');
    process.env[VAR] = bogus;
    const load = loadAddon<object>('hog_procread.node', VAR);
    expect(load).toMatchObject({ reason: 'failed', path: bogus });
    expect(load.addon === undefined && load.message).toMatch(/\S/);
    expect(load.addon === undefined && load.message).not.toContain('\n');
  });
});
