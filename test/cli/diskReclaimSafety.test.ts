/**
 * hog disk deleted --reclaim must not kill (issue 10): truncating a deleted file that a process maps
 * kills that process with SIGBUS the next time it touches a page. Real python3 processes: one holds a
 * deleted file open, another maps it (through /proc/PID/fd, then closes its descriptor); one holds a
 * memfd. hog refuses (exit 2) and names the PID that maps it, --force does not change that, and the
 * mapping process still reads every page afterwards.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMapsFiles, splitDev } from '../../src/proc/maps.js';
import { removeTree, tempDir } from '../helpers/disk.js';
import { runHog } from '../helpers/hog.js';

const MiB = 1024 * 1024;
const PYTHON = `
import mmap, os, sys
mode, path = sys.argv[1], sys.argv[2]
size = 1 << 20
m = None
if mode == 'hold':
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    os.write(fd, b'h' * size)
    os.unlink(path)
elif mode == 'map':
    fd = os.open(path, os.O_RDWR)
    m = mmap.mmap(fd, size)
    os.close(fd)
    fd = -1
else:
    fd = os.memfd_create('hog-test')
    os.write(fd, b'm' * size)
print('ready', fd, flush=True)
for line in sys.stdin:
    # touch every page: SIGBUS here if the file was truncated under the mapping
    total = sum(m[i] for i in range(0, size, 4096)) if m is not None else 0
    print('ok', total, flush=True)
`;

interface Py {
  child: ChildProcess;
  fd: number;
  /** Ask it to touch its pages; resolves with its answer, or the signal that killed it. */
  touch(): Promise<string>;
}

const hasPython = spawnSync('python3', ['-c', 'import os; os.memfd_create']).status === 0;

function python(mode: 'hold' | 'map' | 'memfd', path: string): Promise<Py> {
  const child = spawn('python3', ['-c', PYTHON, mode, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const next = () =>
    new Promise<string>((resolve) => {
      const onExit = (_code: number | null, signal: string | null) => resolve(`exited ${signal ?? _code}`);
      child.once('exit', onExit);
      lines.once('line', (l) => {
        child.off('exit', onExit);
        resolve(l);
      });
    });
  return next().then((ready) => {
    const match = /^ready (-?\d+)$/.exec(ready);
    if (!match) throw new Error(`python3 ${mode} did not start: ${ready}`);
    return {
      child,
      fd: Number(match[1]),
      touch: () => {
        const answer = next();
        child.stdin?.write('touch\n');
        return answer;
      },
    };
  });
}

let base: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  base = tempDir('reclaim');
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  removeTree(base);
});

describe.skipIf(!hasPython)('--reclaim refuses what would kill a process', () => {
  it('a deleted file another process maps: exit 2, names that PID, even with --force; the mapper lives on', async () => {
    const holder = await python('hold', join(base, 'data.bin'));
    children.push(holder.child);
    const mapper = await python('map', `/proc/${holder.child.pid}/fd/${holder.fd}`);
    children.push(mapper.child);
    expect(await mapper.touch()).toBe(`ok ${256 * 0x68}`); // 256 pages of 'h'

    const target = `${holder.child.pid}:${holder.fd}`;
    for (const flags of [['--yes'], ['--yes', '--force']]) {
      const r = await runHog(['disk', 'deleted', '--reclaim', target, ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `hog: refusing to truncate "${join(base, 'data.bin')}" (deleted): PID ${mapper.child.pid} (python3) maps it into memory, and truncating a mapped file kills the process with SIGBUS`,
      );
      expect(r.stderr).toMatch(/--force does not override this/);
    }
    expect(statSync(`/proc/${holder.child.pid}/fd/${holder.fd}`).size).toBe(MiB);
    expect(await mapper.touch()).toBe(`ok ${256 * 0x68}`);
  });

  it('a memfd: exit 2, it is memory, not a file on disk', async () => {
    const memfd = await python('memfd', '-');
    children.push(memfd.child);
    const r = await runHog([
      'disk',
      'deleted',
      '--reclaim',
      `${memfd.child.pid}:${memfd.fd}`,
      '--yes',
      '--force',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `hog: refusing to truncate ${memfd.child.pid}:${memfd.fd}: it is a memfd (memory a process made with memfd_create), not a file on disk`,
    );
    expect(statSync(`/proc/${memfd.child.pid}/fd/${memfd.fd}`).size).toBe(MiB);
    expect(await memfd.touch()).toBe('ok 0');
  });
});

describe('the maps parser', () => {
  it('keeps file mappings with their device, inode and sharing, and skips anonymous memory', () => {
    const text = [
      '55d4c9a00000-55d4c9a02000 r--p 00000000 fe:00 1835106                    /usr/bin/python3.11',
      '7f2c1a000000-7f2c1a100000 rw-s 00000000 fe:00 2146323                    /tmp/data bin (deleted)',
      '7f2c1b000000-7f2c1b021000 rw-p 00000000 00:00 0 ',
      '7ffd5e9f1000-7ffd5ea12000 rw-p 00000000 00:00 0                          [stack]',
      '7f2c1c000000-7f2c1c100000 rw-s 00000000 00:01 4321                       /memfd:hog (deleted)',
      'garbage line',
    ].join('\n');
    expect(parseMapsFiles(text)).toEqual([
      { major: 0xfe, minor: 0, inode: 1835106, shared: false, path: '/usr/bin/python3.11' },
      { major: 0xfe, minor: 0, inode: 2146323, shared: true, path: '/tmp/data bin (deleted)' },
      { major: 0, minor: 1, inode: 4321, shared: true, path: '/memfd:hog (deleted)' },
    ]);
  });

  it('splits st_dev as glibc encodes it', () => {
    expect(splitDev(65024)).toEqual({ major: 254, minor: 0 });
    expect(splitDev(0x801)).toEqual({ major: 8, minor: 1 });
    // major 259 (NVMe partitions), minor 300: both need the high bits
    expect(splitDev(((259 & 0xfff) << 8) | (300 & 0xff) | ((300 & ~0xff) << 12))).toEqual({
      major: 259,
      minor: 300,
    });
  });
});
