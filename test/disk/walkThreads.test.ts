/**
 * The native walker on many threads finds exactly what it finds on one: the same entries with the
 * same sizes and flags, hard links counted once at the same path, the same mount boundaries (by mount
 * ID: a bind mount of the same filesystem), the same errors for unreadable directories, and while
 * files and directories are deleted under it, only entries that existed and no errors. Each parallel
 * scan runs several times, so that different thread schedules get their chance to differ.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/disk/scanReport.js';
import type { RawScan, WalkRequest } from '../../src/disk/scanTypes.js';
import { DiskTree } from '../../src/disk/tree.js';
import { walk } from '../../src/disk/walk.js';
import { canMount, canSwitchUser, skipWithout } from '../helpers/capabilities.js';
import { du, NOBODY, removeTree, tempDir } from '../helpers/disk.js';
import { json, runHog } from '../helpers/hog.js';
import { waitFor } from '../helpers/processes.js';
import { makeSampleTree } from '../helpers/sampleTree.js';

const request = (roots: string[], extra: Partial<WalkRequest> = {}): WalkRequest => ({
  roots,
  oneFileSystem: false,
  excludes: [],
  skipDevs: [],
  keepDepth: -1,
  topFiles: 20,
  byApparent: false,
  threads: 1,
  ...extra,
});

/** A scan as text that does not depend on the order the threads appended entries in. */
function canonical(raw: RawScan): string {
  const tree = new DiskTree(raw);
  const lines: string[] = [];
  for (let i = 0; i < tree.count; i++) {
    const path = tree.pathBytes(i).toString('latin1');
    const dir = tree.isDir(i) ? ` files=${tree.files(i)} dirs=${tree.directories(i)}` : '';
    lines.push(
      `${path} ${tree.type(i)} flags=${tree.flags(i)} alloc=${tree.bytes(i, 'allocated')} app=${tree.bytes(i, 'apparent')} own=${tree.ownBytes(i, 'allocated')} mtime=${tree.mtime(i)}${dir}`,
    );
  }
  lines.sort();
  const top = raw.topFiles.map(
    (f) => `${tree.pathBytes(f.parent).toString('latin1')}/${f.name.toString('latin1')} ${f.allocated}`,
  );
  const errors = raw.errors
    .map(
      (e) =>
        `${e.entry >= 0 ? tree.pathBytes(e.entry).toString('latin1') : e.path?.toString('latin1')} ${e.op} ${e.code}`,
    )
    .sort();
  const totals = JSON.stringify(tree.totals());
  return [
    ...lines,
    `top: ${top.join(', ')}`,
    `errors: ${errors.join(', ')}`,
    `hardlinks: ${raw.hardlinks}`,
    totals,
  ].join('\n');
}

async function scan(roots: string[], threads: number, extra: Partial<WalkRequest> = {}): Promise<RawScan> {
  const { raw, walker } = await walk(request(roots, { ...extra, threads }), { choice: 'native' });
  expect(walker).toEqual({ kind: 'native', threads });
  return raw;
}

let root: string;
beforeAll(() => {
  root = tempDir('threads');
  makeSampleTree(root, { files: 2000 });
  // a directory of 3,000 entries (listed whole, then stat'ed in inode order) with hard links out of it
  const big = join(root, 'big');
  mkdirSync(big);
  for (let i = 0; i < 3000; i++) writeFileSync(join(big, `e${i}`), Buffer.alloc(i % 7 === 0 ? 9000 : 10, 1));
  mkdirSync(join(root, 'links'));
  for (let i = 0; i < 30; i++) linkSync(join(big, `e${i * 7}`), join(root, 'links', `hard${i}`));
  // many small directories side by side: many jobs in the shared stack at once
  for (let d = 0; d < 200; d++) {
    mkdirSync(join(root, 'wide', `w${d}`, 'inner'), { recursive: true });
    writeFileSync(join(root, 'wide', `w${d}`, 'inner', 'f'), Buffer.alloc(d * 100, 2));
  }
});
afterAll(() => removeTree(root));

describe('the native walker on 16 threads against 1 thread', () => {
  it.each([
    ['every file kept', -1],
    ['files folded below the top level', 0],
  ])('%s: the same tree, sizes, hard links and largest files, and du totals', async (_label, keepDepth) => {
    const serial = canonical(await scan([root], 1, { keepDepth }));
    expect(serial).toMatch(/^hardlinks: 33$/m); // the sample tree's 3 inodes and the 30 made here
    for (let run = 0; run < 5; run++) {
      const raw = await scan([root], 16, { keepDepth });
      expect(canonical(raw), `run ${run}`).toBe(serial);
      expect(new DiskTree(raw).totals().allocatedBytes).toBe(du(root, '-sB1'));
    }
  });
});

const cannotMount = skipWithout('a bind mount inside the scanned tree', canMount);

describe.skipIf(cannotMount)('a bind mount of the same filesystem inside the tree', () => {
  it('is not entered when the walk stays on its mount (told by mount ID), and entered as du enters it when it may cross', async () => {
    const target = join(root, 'bound');
    mkdirSync(target);
    execFileSync('mount', ['--bind', join(root, 'big'), target]);
    try {
      const stay = await scan([root], 1, { oneMount: true });
      const stayTree = new DiskTree(stay);
      const bound = [...Array(stayTree.count).keys()].find((i) => stayTree.path(i) === target) as number;
      expect(stayTree.flags(bound) & 0x40).toBe(0x40); // FLAG_OTHER_FS: another mount, not counted
      expect(stayTree.children(bound)).toHaveLength(0);
      const cross = await scan([root], 1);
      // crossing, the bound directory's files count again (du counts a second name of an inode only
      // once when it has several links; so do the walkers), and the totals are du's
      expect(new DiskTree(cross).totals().allocatedBytes).toBe(du(root, '-sB1'));
      expect(stayTree.totals().allocatedBytes).toBe(du(root, '-sB1', '--exclude=bound'));
      for (let run = 0; run < 3; run++) {
        expect(canonical(await scan([root], 16, { oneMount: true })), `run ${run}`).toBe(canonical(stay));
        expect(canonical(await scan([root], 16)), `run ${run}`).toBe(canonical(cross));
      }
    } finally {
      execFileSync('umount', [target]);
      removeTree(target);
    }
  });
});

const noNobody = skipWithout('unreadable directories (hog disk as nobody)', canSwitchUser);

describe.skipIf(noNobody)('unreadable directories', () => {
  it('as nobody, 16 threads report the same tree and the same errors as 1', async () => {
    const dir = tempDir('threads-nobody');
    try {
      chmodSync(dir, 0o755);
      for (let d = 0; d < 40; d++) {
        const sub = join(dir, `d${d}`, `s${d % 5}`);
        mkdirSync(sub, { recursive: true });
        writeFileSync(join(sub, 'f'), Buffer.alloc(1000 * d, 1));
        // every 4th directory may not be listed by nobody, every 9th not even entered
        if (d % 4 === 0) chmodSync(join(dir, `d${d}`), 0o700);
        if (d % 9 === 0) chmodSync(sub, 0o600);
      }
      const args = (threads: number) => [
        'disk',
        '--json',
        '--depth',
        '4',
        '--top',
        '100',
        '--threads',
        String(threads),
        dir,
      ];
      const stable = (r: ScanReport) => ({ ...r, time: 0, durationSeconds: 0, walker: 0 });
      const serial = json<ScanReport>(await runHog(args(1), { uid: NOBODY }));
      expect(serial.errors.map((e) => `${e.path.slice(dir.length)} ${e.op} ${e.code}`).sort()).toEqual(
        [
          '/d0 open EACCES',
          '/d12 open EACCES',
          '/d16 open EACCES',
          '/d20 open EACCES',
          '/d24 open EACCES',
          '/d28 open EACCES',
          '/d32 open EACCES',
          '/d36 open EACCES',
          '/d4 open EACCES',
          '/d8 open EACCES',
          '/d9/s4 open EACCES',
          '/d18/s3 open EACCES',
          '/d27/s2 open EACCES',
        ].sort(),
      );
      // the errors come in path order whichever thread met them (in the order met, 1 run in ~5 differed)
      for (let run = 0; run < 5; run++) {
        const parallel = json<ScanReport>(await runHog(args(16), { uid: NOBODY }));
        expect(parallel.walker.threads).toBe(16);
        expect(stable(parallel), `run ${run}`).toEqual(stable(serial));
      }
    } finally {
      removeTree(dir);
    }
  });
});

/** A tree of 60 directories, each with s0, s1, s2 of 20 files; returns the paths in it. */
async function makeDoomedTree(dir: string): Promise<Set<string>> {
  for (let d = 0; d < 60; d++) {
    for (let s = 0; s < 3; s++) {
      mkdirSync(join(dir, `d${d}`, `s${s}`), { recursive: true });
      for (let f = 0; f < 20; f++)
        writeFileSync(join(dir, `d${d}`, `s${s}`, `f${f}`), Buffer.alloc(f * 500, 1));
    }
  }
  const tree = new DiskTree(await scan([dir], 1));
  return new Set([...Array(tree.count).keys()].map((i) => tree.path(i)));
}

describe('files and directories deleted while 16 threads scan', () => {
  it('finds only what existed, reports no errors, and matches 1 thread after', async () => {
    const dir = tempDir('threads-vanish');
    try {
      // scans that ran while the deleter was half-way: retried on a fresh tree should the deleter
      // be done before the first scan ends
      let partial = 0;
      for (let attempt = 0; attempt < 5 && partial === 0; attempt++) {
        removeTree(dir);
        mkdirSync(dir);
        const before = await makeDoomedTree(dir);
        expect(before.size).toBe(1 + 60 * 4 + 60 * 60);
        // a child deletes s0's files one by one and s1 whole, then exits
        const deleter = spawn(process.execPath, [
          '-e',
          `const fs=require('fs'),p=require('path'),r=${JSON.stringify(dir)};for(let d=0;d<60;d++){for(let f=0;f<20;f++)fs.rmSync(p.join(r,'d'+d,'s0','f'+f));fs.rmSync(p.join(r,'d'+d,'s1'),{recursive:true});}`,
        ]);
        const exited = new Promise((resolve) => deleter.once('exit', resolve));
        await waitFor(
          async () => {
            const running = deleter.exitCode === null;
            const raw = await scan([dir], 16);
            expect(raw.errors).toEqual([]);
            const tree = new DiskTree(raw);
            for (let i = 0; i < tree.count; i++) expect(before.has(tree.path(i)), tree.path(i)).toBe(true);
            if (
              running &&
              deleter.exitCode === null &&
              tree.count < before.size &&
              tree.count > 1 + 60 * 3 + 60 * 20
            )
              partial++;
            return deleter.exitCode !== null;
          },
          'the deleter to finish',
          60_000,
          0,
        );
        await exited;
      }
      expect(partial).toBeGreaterThan(0);
      const after = canonical(await scan([dir], 1));
      expect(after.split('\n').filter((l) => l.startsWith('/'))).toHaveLength(1 + 60 * 3 + 60 * 20);
      for (let run = 0; run < 3; run++) expect(canonical(await scan([dir], 16))).toBe(after);
    } finally {
      removeTree(dir);
    }
  });
});
