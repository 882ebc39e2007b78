/**
 * The cleanup plan on a real file tree laid out like /var/cache, ~/.cache and /tmp under a test
 * directory (the places are parameters): only what is known to be disposable is planned. debconf's
 * database, apt's lock, CACHEDIR.TAG and unknown caches are not; apt's cache is one apt-get clean; in
 * the temp directory a file goes only when atime, mtime and ctime are all old, and never when a
 * tmpfiles.d x line or a line of its own, a .git work tree, a lock or an open descriptor keeps it. The ctime of a real file
 * cannot be set back, so "old" files get old timestamps from the facts; main.py keeps its real ones.
 */
import { lstatSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyTree } from '../../src/disk/categoryReport.js';
import { type CleanPlan, type FileStat, planCleanup } from '../../src/disk/cleanPlan.js';
import { DisposableMatcher } from '../../src/disk/disposable.js';
import { TempRules } from '../../src/disk/tempRules.js';
import { parseTmpfiles } from '../../src/disk/tmpfilesRules.js';
import { DiskTree } from '../../src/disk/tree.js';
import { walk } from '../../src/disk/walk.js';
import { removeTree, tempDir } from '../helpers/disk.js';

const DAY = 86400_000;
const NOW = Date.now();
const OLD = NOW - 40 * DAY;

let d: string;
let plan: CleanPlan;
const real = new Set<string>();
const locked = new Set<string>();
const open = new Set<string>();

function file(rel: string, bytes = 5000): string {
  const path = join(d, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.alloc(bytes, 7));
  utimesSync(path, OLD / 1000, OLD / 1000);
  return path;
}

beforeAll(async () => {
  d = tempDir('plan');
  for (const name of ['config.dat', 'passwords.dat', 'templates.dat']) file(`var/cache/debconf/${name}`);
  file('var/cache/apt/archives/a_1.0_amd64.deb', 100_000);
  file('var/cache/apt/archives/b_2.0_all.deb', 50_000);
  file('var/cache/apt/archives/lock', 0);
  mkdirSync(join(d, 'var/cache/apt/archives/partial'));
  file('var/cache/apt/pkgcache.bin', 30_000);
  file('var/cache/fontconfig/abc-le64.cache-9');
  file('var/cache/fontconfig/CACHEDIR.TAG', 100);
  file('home/ann/.cache/pip/http/v2/x');
  file('home/ann/.cache/pip/CACHEDIR.TAG', 100);
  file('home/ann/.cache/someapp/state.db');
  real.add(file('tmp/main.py')); // old atime and mtime, but a new ctime: just made
  file('tmp/old.txt');
  file('tmp/app.pid');
  file('tmp/build-1/out/a.o');
  file('tmp/build-1/out/b.o');
  file('tmp/proj/.git/objects/ab/cdef');
  file('tmp/proj/main.c');
  for (const f of ['HEAD', 'objects/ab/0123', 'refs/heads/main']) file(`tmp/repo.git/${f}`);
  file('tmp/keep-me/data');
  locked.add(file('tmp/flocked'));
  file('tmp/locked-dir/inside');
  locked.add(join(d, 'tmp/locked-dir'));
  open.add(file('tmp/held-open'));
  const { raw } = await walk({
    roots: ['var/cache', 'home/ann/.cache', 'tmp'].map((r) => join(d, r)),
    oneFileSystem: true,
    excludes: [],
    skipDevs: [],
    keepDepth: -1,
    topFiles: 0,
    byApparent: false,
    threads: 2,
  });
  const tree = new DiskTree(raw);
  const inodeOf = (path: string) => {
    const st = lstatSync(path);
    return `${st.dev}:${st.ino}`;
  };
  const lockedInodes = new Set([...locked].map(inodeOf));
  const openInodes = new Set([...open].map(inodeOf));
  plan = planCleanup(
    tree,
    classifyTree(tree),
    {
      lstat: (p): FileStat => {
        const st = lstatSync(p);
        if (real.has(p.toString()) || st.isDirectory()) return st;
        return { ...st, mode: st.mode, atimeMs: OLD, mtimeMs: OLD, ctimeMs: OLD, birthtimeMs: OLD };
      },
      openBy: (dev, ino) => (openInodes.has(`${dev}:${ino}`) ? { pid: 77, command: 'python3' } : undefined),
      lockedBy: (dev, ino) => (lockedInodes.has(`${dev}:${ino}`) ? { pid: 4242, kind: 'FLOCK' } : undefined),
      isCoreDump: () => false,
      cannotRemove: () => undefined,
      compressedBytes: (_p, n) => n,
    },
    { olderThanSeconds: 7 * 86400, compressOverBytes: 50 * 1024 * 1024, nowMs: NOW },
    {
      temp: new TempRules(parseTmpfiles(`x ${d}/tmp/keep-*\nf ${d}/tmp/app.pid 0644 - - -\n`, 'test.conf'), [
        join(d, 'tmp'),
      ]),
      caches: new DisposableMatcher({ system: [join(d, 'var/cache')], user: [join(d, 'home/*/.cache')] }),
    },
  );
});
afterAll(() => removeTree(d));

const paths = () => [...plan.actions].map((a) => a.path.slice(d.length + 1)).sort();
const kept = (rel: string) =>
  plan.kept.filter((k) => k.path === join(d, rel)).map((k) => [k.files, k.reason]);

describe('planCleanup: only what is known to be disposable', () => {
  it('plans the old temp files and the known caches, nothing else', () => {
    expect(paths()).toEqual([
      'home/ann/.cache/pip/http/v2/x',
      'tmp/build-1/out/a.o',
      'tmp/build-1/out/b.o',
      'tmp/old.txt',
      'var/cache/fontconfig/abc-le64.cache-9',
    ]);
    const a = [...plan.actions].find((x) => x.path.endsWith('old.txt'));
    expect(a).toMatchObject({
      action: 'delete',
      kind: 'temporary file',
      reason: 'temporary file, not read, written or changed for 40d (over 7d)',
      root: join(d, 'tmp'),
      freesBytes: 8192,
    });
    expect(a?.planned.mtimeMs).toBe(OLD);
  });

  it("debconf's database is an unknown cache; CACHEDIR.TAG and apt's lock are never removed", () => {
    expect(kept('var/cache/debconf')).toEqual([[3, 'unknown cache, not touched']]);
    expect(kept('home/ann/.cache/someapp')).toEqual([[1, 'unknown cache, not touched']]);
    for (const top of ['home/ann/.cache/pip', 'var/cache/fontconfig'])
      expect(kept(top)).toEqual([[1, 'lock file, cache marker or not part of the cache: never removed']]);
    expect(kept('var/cache/apt')).toEqual([
      [1, 'lock file, cache marker or not part of the cache: never removed'],
    ]);
  });

  it("apt's cache is one apt-get clean, not a line per package", () => {
    expect(plan.commands).toEqual([
      {
        action: 'run',
        command: ['apt-get', 'clean'],
        what: "apt's downloaded packages",
        source: expect.stringMatching(/^apt-get\(8\)/),
        path: join(d, 'var/cache/apt'),
        files: 3,
        freesBytes: 102400 + 53248 + 32768,
      },
    ]);
    expect(paths().some((p) => p.includes('apt'))).toBe(false);
  });

  it('in the temp dir: a new ctime, a .git work tree, a tmpfiles.d x line or a line of its own, a lock, an open file keep a file', () => {
    expect(kept('tmp')).toEqual([
      [1, 'has a tmpfiles.d line of its own (test.conf:2): not cleaned with its directory'], // app.pid
      [1, 'used or changed within 7d'], // main.py
    ]);
    expect(kept('tmp/proj')).toEqual([[2, 'a version-controlled repository or work tree: not temporary']]);
    expect(kept('tmp/repo.git')).toEqual([
      [3, 'a version-controlled repository or work tree: not temporary'],
    ]); // bare
    expect(kept('tmp/keep-me')).toEqual([[1, 'excluded from cleaning by tmpfiles.d (test.conf:1)']]);
    expect(kept('tmp/locked-dir')).toEqual([
      [1, 'a directory locked (FLOCK) by PID 4242: systemd-tmpfiles leaves locked directories alone'],
    ]);
    const skipped = new Map([...plan.skipped].map((s) => [s.path.slice(d.length + 1), s.reason]));
    expect(Object.fromEntries(skipped)).toEqual({
      'tmp/flocked': 'locked (FLOCK) by PID 4242: in use',
      'tmp/held-open': 'open by PID 77 (python3): removing it would free nothing until it is closed',
    });
  });

  it('groups the actions by directory: one line per entry of the temp dir, per cache', () => {
    expect(plan.groups.map((g) => [g.path.slice(d.length + 1), g.files, g.freesBytes])).toEqual([
      ['tmp/build-1', 2, 16384],
      ['home/ann/.cache/pip', 1, 8192],
      ['tmp', 1, 8192],
      ['var/cache/fontconfig', 1, 8192],
    ]);
    expect(plan.freesBytes).toBe(4 * 8192 + 8192 + 188416);
  });
});
