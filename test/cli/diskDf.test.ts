/**
 * hog disk df on a filesystem the test makes: a 64 MiB ext4 image (5% reserved blocks), with known
 * files and a deleted file held open. size = used + available + reserved, and used = visible files +
 * deleted-but-open + unexplained, where unexplained stays small (ext4's own metadata).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dfUsePercent, explain, reconcile } from '../../src/disk/dfReconcile.js';
import { canLoopMount, skipWithout } from '../helpers/capabilities.js';
import { du, type Mounted, mountExt4 } from '../helpers/disk.js';
import { json, runHog } from '../helpers/hog.js';

const MiB = 1024 * 1024;

interface DfJson {
  filesystems: {
    mountPoint: string;
    fsType: string;
    sizeBytes: number;
    usedBytes: number;
    availableBytes: number;
    reservedBytes: number;
    usePercent: number;
    visibleBytes: number;
    deletedOpenBytes: number;
    unexplainedBytes: number;
    inodes: { total: number; used: number; free: number; usePercent: number; visible: number };
    explanations: string[];
  }[];
}

describe('reconcile (pure)', () => {
  it('splits size and used, and computes Use% as df does (rounded up)', () => {
    const r = reconcile(
      { blockSize: 4096, blocks: 1000, blocksFree: 400, blocksAvailable: 350, inodes: 100, inodesFree: 10 },
      { bytes: 500 * 4096, inodes: 85 },
      50 * 4096,
    );
    expect(r.sizeBytes).toBe(r.usedBytes + r.availableBytes + r.reservedBytes);
    expect(r.usedBytes).toBe(600 * 4096);
    expect(r.reservedBytes).toBe(50 * 4096);
    expect(r.unexplainedBytes).toBe(50 * 4096);
    expect(r.usePercent).toBe(dfUsePercent(600, 350));
    expect(dfUsePercent(1, 199)).toBe(1);
    expect(r.inodes).toEqual({ total: 100, used: 90, free: 10, usePercent: 90, visible: 85 });
    expect(
      reconcile(
        { blockSize: 4096, blocks: 10, blocksFree: 5, blocksAvailable: 5, inodes: 0, inodesFree: 0 },
        undefined,
        0,
      ).inodes.usePercent,
    ).toBeUndefined();
  });

  it('explains reserved blocks, deleted files and a large unexplained share', () => {
    const r = reconcile(
      {
        blockSize: 1024 * 1024,
        blocks: 1000,
        blocksFree: 200,
        blocksAvailable: 150,
        inodes: 0,
        inodesFree: 0,
      },
      { bytes: 500 * MiB, inodes: 0 },
      100 * MiB,
    );
    const lines = explain(r, { fsType: 'ext4', partial: false, unreadable: 2 });
    expect(lines[0]).toMatch(/^reserved blocks/);
    expect(lines[1]).toMatch(/hog disk deleted/);
    expect(lines[2]).toMatch(/^unexplained space: 2 directories hog could not read/);
  });
});

const noLoop = skipWithout('hog disk df on a small ext4', canLoopMount);

describe.skipIf(noLoop)('hog disk df on a small ext4', () => {
  let fs: Mounted;
  let child: ChildProcess;
  beforeAll(async () => {
    fs = mountExt4('df', 64);
    writeFileSync(join(fs.path, 'visible.bin'), Buffer.alloc(10 * MiB, 1));
    const deleted = join(fs.path, 'deleted.bin');
    child = spawn(
      process.execPath,
      [
        '-e',
        `const f=require('fs');const d=f.openSync(${JSON.stringify(deleted)},'w');f.writeSync(d,Buffer.alloc(8*1024*1024,2));f.fsyncSync(d);f.unlinkSync(${JSON.stringify(deleted)});process.stdout.write('ready\\n');setInterval(()=>{},1e6)`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => child.stdout?.on('data', () => resolve()));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    fs?.unmount();
  });

  it('size = used + available + reserved; used = visible + deleted + a small unexplained rest', async () => {
    const report = json<DfJson>(await runHog(['disk', 'df', '--json', fs.path]));
    expect(report.filesystems).toHaveLength(1);
    const r = report.filesystems[0] as DfJson['filesystems'][number];
    const s = statfsSync(fs.path);
    expect(r.mountPoint).toBe(fs.path);
    expect(r.fsType).toBe('ext4');
    expect(r.sizeBytes).toBe(s.blocks * s.bsize);
    expect(r.availableBytes).toBe(s.bavail * s.bsize);
    expect(r.sizeBytes).toBe(r.usedBytes + r.availableBytes + r.reservedBytes);
    expect(r.reservedBytes).toBeGreaterThan(0.04 * r.sizeBytes); // mkfs -m 5
    expect(r.visibleBytes).toBe(du(fs.path, '-sxB1'));
    expect(r.deletedOpenBytes).toBe(8 * MiB);
    expect(r.usedBytes).toBe(r.visibleBytes + r.deletedOpenBytes + r.unexplainedBytes);
    expect(Math.abs(r.unexplainedBytes)).toBeLessThan(2 * MiB);
    expect(r.inodes.used).toBe(s.files - s.ffree);
    expect(r.explanations.join('\n')).toMatch(/reserved blocks/);
    expect(r.explanations.join('\n')).toMatch(/hog disk deleted/);
  });

  it('prints the two equations and the inodes', async () => {
    const result = await runHog(['disk', 'df', fs.path]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${fs.path} \\(ext4 on /dev/loop\\d+\\): \\d+% used$`));
    expect(lines[1]).toMatch(
      /^ {2}size [\d.]+ MiB = used [\d.]+ MiB \+ available [\d.]+ MiB \+ reserved for root [\d.]+ MiB$/,
    );
    expect(lines[2]).toMatch(
      /^ {2}used [\d.]+ MiB = visible files [\d.]+ MiB \+ deleted but open 8\.0 MiB \+ unexplained [\d.]+ [KM]iB$/,
    );
    expect(lines[3]).toMatch(/^ {2}inodes: \d+ of [\d,]+ used \(\d+%\), \d+ seen by the scan$/);
    const quick = await runHog(['disk', 'df', '--no-scan', fs.path]);
    expect(quick.stdout).toMatch(/deleted but open 8\.0 MiB; visible files not scanned \(--no-scan\)/);
  });
});
