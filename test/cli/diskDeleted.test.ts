/**
 * hog disk deleted on a real case: a child process holds a deleted 50 MiB file on a filesystem the test
 * mounts (so no other test's files move its free space). Found with its holder, reclaimed through the
 * descriptor, and the filesystem's free space grows by it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDeletedOpenFiles } from '../../src/disk/deleted.js';
import { readMountinfo } from '../../src/proc/mountinfo.js';
import { canMount, skipWithout } from '../helpers/capabilities.js';
import { type Mounted, mountTmpfs } from '../helpers/disk.js';
import { json, runHog } from '../helpers/hog.js';
import { waitFor } from '../helpers/processes.js';

const MiB = 1024 * 1024;

interface DeletedJson {
  files: {
    path: string;
    allocatedBytes: number;
    mountPoint: string;
    fsType: string;
    writes: string;
    holders: {
      pid: number;
      fd: number;
      command: string;
      append: boolean;
      writable: boolean;
      offset: number;
    }[];
  }[];
  filesystems: { mountPoint: string; files: number; allocatedBytes: number }[];
}

/** A node child that writes `mib` MiB to a file, deletes it, keeps it open and says "ready". */
async function holder(path: string, mib: number, append: boolean): Promise<ChildProcess> {
  const code = `const fs=require('fs');const fd=fs.openSync(${JSON.stringify(path)},'${append ? 'a' : 'w'}');fs.writeSync(fd,Buffer.alloc(${mib}*1024*1024,7));fs.unlinkSync(${JSON.stringify(path)});process.stdout.write('ready '+fd+'\\n');setInterval(()=>{},1e6);`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (c) => reject(new Error(`holder exited with ${c}`)));
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().startsWith('ready')) resolve();
    });
  });
  return child;
}

const free = (path: string) => {
  const s = statfsSync(path);
  return s.bavail * s.bsize;
};

const cannotMount = skipWithout('a deleted file held open', canMount);

describe.skipIf(cannotMount)('a deleted 50 MiB file held open', () => {
  let fs: Mounted;
  let writer: ChildProcess;
  let appender: ChildProcess;
  beforeAll(async () => {
    fs = mountTmpfs('deleted', 'size=128m');
    writer = await holder(join(fs.path, 'big.log'), 50, false);
    appender = await holder(join(fs.path, 'small.log'), 2, true);
  });
  afterAll(() => {
    writer?.kill('SIGKILL');
    appender?.kill('SIGKILL');
    fs?.unmount();
  });

  it('is found with its process, descriptor, size, filesystem and write mode', async () => {
    const report = json<DeletedJson>(await runHog(['disk', 'deleted', '--json']));
    const big = report.files.find((f) => f.path === join(fs.path, 'big.log'));
    expect(big).toMatchObject({
      allocatedBytes: 50 * MiB,
      mountPoint: fs.path,
      fsType: 'tmpfs',
      writes: 'offset',
    });
    expect(big?.holders).toHaveLength(1);
    expect(big?.holders[0]).toMatchObject({
      pid: writer.pid,
      command: 'node',
      writable: true,
      append: false,
      offset: 50 * MiB,
    });
    const small = report.files.find((f) => f.path === join(fs.path, 'small.log'));
    expect(small?.writes).toBe('append');
    expect(report.filesystems.find((t) => t.mountPoint === fs.path)).toEqual({
      mountPoint: fs.path,
      fsType: 'tmpfs',
      files: 2,
      allocatedBytes: 52 * MiB,
    });
    // the same from the library, de-duplicated by device and inode
    const scan = findDeletedOpenFiles('/proc', readMountinfo());
    const mine = scan.files.filter((f) => f.mountPoint === fs.path);
    expect(mine.map((f) => f.writes).sort()).toEqual(['append', 'offset']);
  });

  it('the table names it and the total per filesystem', async () => {
    const result = await runHog(['disk', 'deleted', '--min-size', '10M']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\s+PID COMMAND\s+FD\s+ON DISK\s+APPARENT WRITES\s+FILESYSTEM\s+PATH$/m);
    expect(result.stdout).toMatch(
      new RegExp(
        `^\\s+${writer.pid} node\\s+\\d+\\s+50\\.0 MiB\\s+50\\.0 MiB at offset\\s+${fs.path} \\(tmpfs\\)\\s+${fs.path}/big\\.log \\(deleted\\)$`,
        'm',
      ),
    );
    expect(result.stdout).not.toMatch(/small\.log/); // under --min-size
    expect(result.stdout).toMatch(
      /WRITES "at offset": the writer does not append; after --reclaim its next write makes the file sparse/,
    );
  });

  it('--reclaim of a writer at an offset needs --force, then truncates and the free space grows by 50 MiB', async () => {
    const report = json<DeletedJson>(await runHog(['disk', 'deleted', '--json']));
    const fd = report.files.find((f) => f.path === join(fs.path, 'big.log'))?.holders[0]?.fd;
    const target = `${writer.pid}:${fd}`;
    const refused = await runHog(['disk', 'deleted', '--reclaim', target, '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^hog: PID \d+ fd \d+ writes to \S+big\.log without O_APPEND \(at offset 52428800\)/m,
    );
    expect(refused.stderr).toMatch(/hint: add --force to truncate anyway/);
    const unasked = await runHog(['disk', 'deleted', '--reclaim', target, '--force']);
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toMatch(/warning: PID \d+ fd \d+ writes without O_APPEND at offset 52428800/);
    expect(unasked.stderr).toMatch(/hint: add --yes/);

    const before = free(fs.path);
    const result = await runHog(['disk', 'deleted', '--reclaim', target, '--yes', '--force', '--json']);
    expect(result.code).toBe(0);
    const done = JSON.parse(result.stdout);
    expect(done).toMatchObject({ freedBytes: 50 * MiB, allocatedBytesAfter: 0, mountPoint: fs.path });
    const after = await waitFor(
      () => (free(fs.path) - before >= 50 * MiB ? free(fs.path) : undefined),
      'the free space to grow',
    );
    expect(after - before).toBe(50 * MiB);
    // the process still holds its descriptor: it was not restarted
    expect(writer.exitCode).toBeNull();
    const again = json<DeletedJson>(await runHog(['disk', 'deleted', '--json']));
    expect(again.files.find((f) => f.path === join(fs.path, 'big.log'))?.allocatedBytes).toBe(0);
  });

  it('refuses what is not a deleted file, a missing descriptor and bad input', async () => {
    const notDeleted = await runHog(['disk', 'deleted', '--reclaim', `${writer.pid}:0`, '--yes']);
    expect(notDeleted.code).toBe(2);
    expect(notDeleted.stderr).toMatch(/^hog: \d+:0 is not a deleted file: it is "\/dev\/null"$/m);
    const missing = await runHog(['disk', 'deleted', '--reclaim', `${writer.pid}:999`, '--yes']);
    expect(missing.stderr).toMatch(/^hog: process \d+ has no file descriptor 999$/m);
    const bad = await runHog(['disk', 'deleted', '--reclaim', 'twelve']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^hog: --reclaim takes PID:FD, got "twelve"$/m);
  });
});
