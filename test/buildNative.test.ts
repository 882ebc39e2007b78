/**
 * scripts/build-native.mjs on a copy of the checkout whose procread addon no longer compiles: by
 * default the build goes on (hog falls back to JavaScript) and says so; with HOG_REQUIRE_ADDONS=1,
 * as .ci/run sets it, the build fails, naming the addon, so CI notices an addon that stopped building.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, skipWithout } from './helpers/capabilities.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const noCompiler = skipWithout('build-native.mjs on a broken addon', () =>
  hasCommand(process.env.CC || 'cc'),
);

describe.skipIf(noCompiler)('build-native.mjs when an addon stops compiling', () => {
  let copy: string;
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), `hog-test-build-native-${process.pid}-`));
    for (const dir of ['scripts', 'native', 'src/disk/native'])
      cpSync(join(ROOT, dir), join(copy, dir), { recursive: true });
    // the other addons count as up to date (built after their sources), so only the broken one compiles
    mkdirSync(join(copy, 'dist/native'), { recursive: true });
    const later = new Date(Date.now() + 3600_000);
    for (const name of ['hog_sockdiag', 'hog_pcap', 'hog_disk']) {
      const target = join(copy, 'dist/native', `${name}.node`);
      writeFileSync(target, 'stands for a built addon');
      utimesSync(target, later, later);
    }
    const source = join(copy, 'native/procread/hog_procread.c');
    writeFileSync(source, `${readFileSync(source, 'utf8')}\nthis is not C;\n`);
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  const build = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [join(copy, 'scripts/build-native.mjs')], {
      encoding: 'utf8',
      env: { ...process.env, HOG_REQUIRE_ADDONS: undefined, ...env },
      timeout: 60_000,
    });

  it('by default: says the addon failed and what hog does without it, and exits 0', () => {
    const r = build({});
    expect(r.stderr).toMatch(/^build-native: hog_procread: compiling failed:\n/);
    expect(r.stderr).toContain(
      "hog ps and hog top read /proc from JavaScript (slower); top's k uses kill(2)",
    );
    expect(r.stderr).toMatch(/hog_procread\.c:\d+:1: error: unknown type name .this./);
    expect(r.status).toBe(0);
    expect(readdirSync(join(copy, 'dist/native')).sort()).toEqual([
      'hog_disk.node',
      'hog_pcap.node',
      'hog_sockdiag.node',
    ]);
  });

  it('with HOG_REQUIRE_ADDONS=1: exits 1 naming the addon that did not build', () => {
    const r = build({ HOG_REQUIRE_ADDONS: '1' });
    expect(r.stderr).toMatch(/^build-native: hog_procread: compiling failed:\n/);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
      'build-native: HOG_REQUIRE_ADDONS=1: 1 addon(s) did not build: hog_procread',
    );
    expect(r.status).toBe(1);
  });

  it('with HOG_REQUIRE_ADDONS=1 and every addon up to date: exits 0 and prints nothing', () => {
    const later = new Date(Date.now() + 3600_000);
    const target = join(copy, 'dist/native/hog_procread.node');
    writeFileSync(target, 'stands for a built addon');
    utimesSync(target, later, later);
    const r = build({ HOG_REQUIRE_ADDONS: '1' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
