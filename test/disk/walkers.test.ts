/**
 * Both walkers (native and JavaScript) on the same real trees, against du: totals must be identical
 * to du -sb (apparent) and du -sB1 (allocated), hard links once, sparse files by their blocks, symlinks
 * never followed; and the same with --exclude, with -x over a mount point, and while files vanish.
 */
import { execFileSync, spawn } from 'node:child_process';
import { linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WalkRequest } from '../../src/disk/scanTypes.js';
import { DiskTree } from '../../src/disk/tree.js';
import { walk } from '../../src/disk/walk.js';
import { canMount, skipWithout } from '../helpers/capabilities.js';
import { du, type Mounted, mountTmpfs, removeTree, tempDir } from '../helpers/disk.js';
import { waitFor } from '../helpers/processes.js';
import { makeSampleTree } from '../helpers/sampleTree.js';

const request = (roots: string[], extra: Partial<WalkRequest> = {}): WalkRequest => ({
  roots,
  oneFileSystem: false,
  excludes: [],
  skipDevs: [],
  keepDepth: -1,
  topFiles: 5,
  byApparent: false,
  threads: 2,
  ...extra,
});

let root: string;
beforeAll(() => {
  root = tempDir('walk');
  makeSampleTree(root);
});
afterAll(() => removeTree(root));

describe.each(['native', 'js'] as const)('the %s walker', (choice) => {
  it('totals equal du -sb and du -sB1, whatever files it keeps as entries', async () => {
    for (const keepDepth of [-1, 0, 2]) {
      const { raw, walker } = await walk(request([root], { keepDepth }), { choice });
      expect(walker.kind).toBe(choice);
      const totals = new DiskTree(raw).totals();
      expect(totals.apparentBytes, `keepDepth ${keepDepth}`).toBe(du(root, '-sb'));
      expect(totals.allocatedBytes, `keepDepth ${keepDepth}`).toBe(du(root, '-sB1'));
      expect(totals.files + totals.directories).toBe(du(root, '-s', '--inodes'));
      expect(raw.errors).toEqual([]);
    }
  });

  it('counts an inode with several names once, at its smallest path, and knows the others', async () => {
    const { raw } = await walk(request([root]), { choice });
    const tree = new DiskTree(raw);
    expect(raw.hardlinks).toBe(3);
    const dups = [...Array(tree.count).keys()].filter((i) => tree.flags(i) & 0x20).map((i) => tree.path(i));
    expect(dups).toHaveLength(1 + 1 + 3);
    expect(dups).toContain(join(root, 'link-same-dir'));
  });

  it('keeps names as bytes: a newline and invalid UTF-8 survive', async () => {
    const { raw } = await walk(request([root]), { choice });
    const tree = new DiskTree(raw);
    const names = [...Array(tree.count).keys()].map((i) => tree.nameBytes(i));
    expect(names.some((n) => n.equals(Buffer.from('new\nline.txt')))).toBe(true);
    expect(names.some((n) => n.equals(Buffer.from('bad-\xff\xfe-utf8.bin', 'latin1')))).toBe(true);
  });

  it('lists the largest files it folded into their directories', async () => {
    const { raw } = await walk(request([root], { keepDepth: 0, topFiles: 3 }), { choice });
    expect(raw.topFiles).toHaveLength(3);
    const sizes = raw.topFiles.map((f) => f.allocated);
    expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
    expect(raw.count).toBeLessThan(200); // directories only, not 600 files
  });

  it('--exclude skips what du --exclude skips', async () => {
    for (const pattern of ['*.dat', 'd12', 'd*/f1*.dat', 'link*']) {
      const { raw } = await walk(request([root], { excludes: [pattern] }), { choice });
      const totals = new DiskTree(raw).totals();
      expect(totals.allocatedBytes, pattern).toBe(du(root, '-sB1', `--exclude=${pattern}`));
      expect(totals.apparentBytes, pattern).toBe(du(root, '-sb', `--exclude=${pattern}`));
    }
  });

  it('two roots sharing hard links count them once, like du with two arguments', async () => {
    const two = tempDir('two');
    const a = join(two, 'a');
    const b = join(two, 'b');
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'f'), Buffer.alloc(50_000, 1));
    linkSync(join(a, 'f'), join(b, 'g'));
    const { raw } = await walk(request([a, b]), { choice });
    const totals = new DiskTree(raw).totals();
    const lines = execFileSync('du', ['-scB1', a, b], { encoding: 'utf8' }).trim().split('\n');
    removeTree(two);
    expect(totals.allocatedBytes).toBe(Number(lines[lines.length - 1]?.split('\t')[0]));
    expect(new DiskTree(raw).roots()).toHaveLength(2);
  });
});

const cannotMount = skipWithout('-x over a mount point', canMount);

describe.skipIf(cannotMount)('-x over a mount point', () => {
  let mounted: Mounted;
  beforeAll(() => {
    mounted = mountTmpfs('x', 'size=16m');
    writeFileSync(join(mounted.path, 'inside'), Buffer.alloc(3 * 1024 * 1024, 1));
  });
  afterAll(() => mounted.unmount());

  it.each(['native', 'js'] as const)(
    '%s: crosses it by default and stops at it with -x, as du does',
    async (choice) => {
      const dir = join(mounted.path, '..');
      const outer = tempDir('xroot');
      try {
        // a tree that holds the mount: bind the tmpfs into it
        mkdirSync(join(outer, 'sub'));
        writeFileSync(join(outer, 'sub', 'f'), 'data');
        mkdirSync(join(outer, 'mnt'));
        execFileSync('mount', ['--bind', mounted.path, join(outer, 'mnt')]);
        try {
          const all = new DiskTree((await walk(request([outer]), { choice })).raw).totals();
          const one = new DiskTree(
            (await walk(request([outer], { oneFileSystem: true }), { choice })).raw,
          ).totals();
          expect(all.allocatedBytes).toBe(du(outer, '-sB1'));
          expect(one.allocatedBytes).toBe(du(outer, '-sxB1'));
          expect(one.apparentBytes).toBe(du(outer, '-sxb'));
          expect(all.allocatedBytes - one.allocatedBytes).toBeGreaterThanOrEqual(3 * 1024 * 1024);
        } finally {
          execFileSync('umount', [join(outer, 'mnt')]);
        }
      } finally {
        removeTree(outer);
        expect(dir).toBeTruthy();
      }
    },
  );
});

describe('a tree deeper than PATH_MAX', () => {
  it('the native walker opens it component by component and matches du; the JavaScript walker says it could not', async () => {
    const dir = tempDir('deep');
    try {
      // 400 levels of 20-character names: paths of ~8,400 bytes, twice PATH_MAX (made by descending with chdir)
      execFileSync(process.execPath, [
        '-e',
        `const fs=require('fs');process.chdir(${JSON.stringify(dir)});for(let i=0;i<400;i++){const n='level-'+String(i).padStart(3,'0')+'-abcdefghij';fs.mkdirSync(n);process.chdir(n);fs.writeFileSync('f','x'.repeat(5000));}`,
      ]);
      const native = await walk(request([dir], { keepDepth: 0 }), { choice: 'native' });
      expect(native.raw.errors).toEqual([]);
      expect(new DiskTree(native.raw).totals().allocatedBytes).toBe(du(dir, '-sB1'));
      expect(new DiskTree(native.raw).totals().apparentBytes).toBe(du(dir, '-sb'));
      const js = await walk(request([dir], { keepDepth: 0 }), { choice: 'js' });
      expect(js.raw.errors.map((e) => e.code)).toEqual(['ENAMETOOLONG']);
    } finally {
      execFileSync('rm', ['-rf', dir]);
    }
  });
});

describe('files deleted while the scan runs', () => {
  it.each(['native', 'js'] as const)(
    '%s: vanished entries are skipped and counted, never errors',
    async (choice) => {
      const dir = tempDir('vanish');
      try {
        for (let d = 0; d < 100; d++) {
          mkdirSync(join(dir, `d${d}`));
          for (let f = 0; f < 40; f++) writeFileSync(join(dir, `d${d}`, `f${f}`), 'x');
        }
        // a child deletes the directories one file at a time while we scan again and again
        const deleter = spawn(process.execPath, [
          '-e',
          `const fs=require('fs');const p=require('path');for(let d=0;d<100;d++)for(let f=0;f<40;f++)fs.rmSync(p.join(${JSON.stringify(dir)},'d'+d,'f'+f));`,
        ]);
        const exited = new Promise((resolve) => deleter.once('exit', resolve));
        let seen = 0;
        let lastFiles = Number.POSITIVE_INFINITY;
        await waitFor(
          async () => {
            const { raw } = await walk(request([dir], { keepDepth: choice === 'js' ? -1 : 0 }), { choice });
            expect(raw.errors.filter((e) => e.code !== 'ENOENT')).toEqual([]);
            const totals = new DiskTree(raw).totals();
            expect(totals.files).toBeLessThanOrEqual(4000);
            lastFiles = totals.files;
            seen += raw.vanished;
            return seen > 0 || deleter.exitCode !== null;
          },
          'a scan that saw files vanish',
          30_000,
          0,
        );
        await exited;
        expect(seen > 0 || lastFiles < 4000).toBe(true);
      } finally {
        removeTree(dir);
      }
    },
  );
});
