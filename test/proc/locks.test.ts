/**
 * /proc/locks: the parser on captured lines (POSIX, FLOCK, OFD locks, a waiter, a malformed line),
 * and the reader against a real flock(1) holder: the inode it reports is the file's dev:ino as
 * stat(2) gives it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makedev, parseLocks, readLocks } from '../../src/proc/locks.js';
import { removeTree, tempDir } from '../helpers/disk.js';

describe('parseLocks', () => {
  it('reads each lock with its device as stat(2) numbers it; skips waiters; counts bad lines', () => {
    const { locks, malformed } = parseLocks(
      [
        '1: POSIX  ADVISORY  WRITE 1234 08:01:393220 0 EOF',
        '2: FLOCK  ADVISORY  WRITE 5678 00:1a:98765 0 EOF',
        '2: -> FLOCK  ADVISORY  WRITE 99 00:1a:98765 0 EOF',
        '3: OFDLCK ADVISORY  READ  -1 103:02:9 0 EOF',
        'garbage',
        '',
      ].join('\n'),
    );
    expect(locks).toEqual([
      { kind: 'POSIX', pid: 1234, dev: 0x801, ino: 393220 },
      { kind: 'FLOCK', pid: 5678, dev: 0x1a, ino: 98765 },
      { kind: 'OFDLCK', pid: -1, dev: 0x10302, ino: 9 },
    ]);
    expect(malformed).toBe(1);
    // glibc: minor 0x34 | major 0x103 << 8 | minor 0x12 << 20
    expect(makedev(259, 0x1234)).toBe(0x1210334);
  });
});

describe('readLocks', () => {
  let dir: string;
  let holder: ChildProcess | undefined;
  afterEach(() => {
    holder?.kill('SIGKILL');
    holder = undefined;
    removeTree(dir);
  });
  it('finds the inode a flock(1) holder locked, by the dev and ino stat gives', async () => {
    dir = tempDir('locks');
    const file = join(dir, 'held');
    const ready = join(dir, 'ready');
    writeFileSync(file, 'x');
    holder = spawn('flock', ['-x', file, '-c', `touch ${ready}; sleep 30`], { stdio: 'ignore' });
    const deadline = Date.now() + 5000;
    while (!existsSync(ready) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const st = statSync(file);
    const lock = readLocks().get(`${st.dev}:${st.ino}`);
    expect(lock?.kind).toBe('FLOCK');
    expect(lock?.pid).toBe(holder.pid);
  });
});
