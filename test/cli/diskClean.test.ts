/**
 * hog disk clean on a real directory: the plan (old rotated logs, big logs to compress, stale caches
 * and temporary files, core dumps), nothing done without --apply, the log of what was done, and the
 * guard rails: open files, hard links, symlinks out of the root, system directories, read-only
 * filesystems.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isElfCore, refusalReason } from '../../src/disk/cleanSafety.js';
import { canMount, canSwitchUser, skipWithout } from '../helpers/capabilities.js';
import { mountTmpfs, NOBODY, removeTree, scratchDir, tempDir } from '../helpers/disk.js';
import { json, runHog } from '../helpers/hog.js';

const cannotMount = skipWithout('a read-only filesystem', canMount);

const DAY = 86400;
const MiB = 1024 * 1024;

interface CleanJson {
  plan: {
    actions: {
      action: string;
      kind: string;
      path: string;
      freesBytes: number;
      estimated: boolean;
      reason: string;
    }[];
    skipped: { path: string; reason: string }[];
    kept: { path: string; files: number; allocatedBytes: number; reason: string }[];
    freesBytes: number;
  };
  applied: {
    results: { path: string; status: string; freedBytes: number }[];
    freedBytes: number;
    log: string;
  } | null;
  notes: string[];
}

const CORE_HEADER = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0]);

function age(path: string, days: number): void {
  const t = Date.now() / 1000 - days * DAY;
  utimesSync(path, t, t);
}

let dir: string;
let holder: ChildProcess | undefined;

beforeEach(() => {
  dir = scratchDir('clean');
  mkdirSync(join(dir, 'log'));
  writeFileSync(join(dir, 'log', 'app.log.3.gz'), Buffer.alloc(300_000, 1));
  age(join(dir, 'log', 'app.log.3.gz'), 20);
  writeFileSync(join(dir, 'log', 'app.log.1'), 'a line of log text\n'.repeat(200_000)); // 3.8 MB, compresses well
  writeFileSync(join(dir, 'log', 'recent.log.2.gz'), Buffer.alloc(10_000, 1)); // rotated, but recent
  writeFileSync(join(dir, 'log', 'live.log'), 'a line of log text\n'.repeat(100_000)); // still written to
  mkdirSync(join(dir, '.cache'));
  writeFileSync(join(dir, '.cache', 'stale'), Buffer.alloc(40_000, 1));
  age(join(dir, '.cache', 'stale'), 40);
  writeFileSync(join(dir, '.cache', 'fresh'), Buffer.alloc(40_000, 1));
  mkdirSync(join(dir, 'tmp'));
  writeFileSync(join(dir, 'tmp', 'old.tmp'), 'x');
  age(join(dir, 'tmp', 'old.tmp'), 10);
  writeFileSync(join(dir, 'core.4242'), Buffer.concat([CORE_HEADER, Buffer.alloc(100_000, 9)]));
  age(join(dir, 'core.4242'), 9);
  writeFileSync(join(dir, 'core'), Buffer.alloc(50_000, 1)); // named core, but not a core dump
  age(join(dir, 'core'), 9);
  writeFileSync(join(dir, 'notes.bak'), 'keep');
  age(join(dir, 'notes.bak'), 100);
});
afterEach(() => {
  holder?.kill('SIGKILL');
  holder = undefined;
  removeTree(dir);
});

describe('hog disk clean DIR', () => {
  it('plans each action with the bytes it frees, and changes nothing without --apply', async () => {
    const result = json<CleanJson>(await runHog(['disk', 'clean', '--json', '--compress-over', '1M', dir]));
    const byPath = new Map(result.plan.actions.map((a) => [a.path, a]));
    expect(byPath.get(join(dir, 'log', 'app.log.3.gz'))).toMatchObject({
      action: 'delete',
      kind: 'rotated log',
      freesBytes: 303104,
    });
    expect(byPath.get(join(dir, 'log', 'app.log.1'))).toMatchObject({ action: 'compress', estimated: true });
    expect(byPath.get(join(dir, 'log', 'app.log.1'))?.freesBytes).toBeGreaterThan(3 * MiB);
    expect(byPath.get(join(dir, 'core.4242'))).toMatchObject({ action: 'delete', kind: 'core dump' });
    expect(result.plan.skipped.find((s) => s.path === join(dir, 'log', 'live.log'))?.reason).toBe(
      'log written 0 min ago: rotate it (logrotate) rather than compress it in place',
    );
    // left alone: recent rotated log, a cache nobody vouches for, a .tmp outside a temp directory, a
    // "core" that is no core dump, a backup
    expect([...byPath.keys()].sort()).toEqual(
      ['core.4242', 'log/app.log.1', 'log/app.log.3.gz'].map((p) => join(dir, p)),
    );
    expect(result.plan.kept).toEqual(
      expect.arrayContaining([
        { path: join(dir, '.cache'), files: 2, allocatedBytes: 81920, reason: 'unknown cache, not touched' },
        {
          path: join(dir, 'tmp'),
          files: 1,
          allocatedBytes: 4096,
          reason:
            'temporary by its name, but not in a temporary directory (/tmp, /var/tmp, tmpfiles.d): not touched',
        },
      ]),
    );
    expect(result.plan.freesBytes).toBe(result.plan.actions.reduce((s, a) => s + a.freesBytes, 0));
    expect(result.applied).toBeNull();
    expect(existsSync(join(dir, 'log', 'app.log.3.gz'))).toBe(true);

    const text = await runHog(['disk', 'clean', '--compress-over', '1M', dir]);
    expect(text.stdout).toMatch(/^ACTION\s+FILES\s+FREES\s+WHY\s+PATH$/m);
    expect(text.stdout).toMatch(
      /^delete\s+1\s+296\.0 KiB rotated logs, last written over 7d ago; 20d old\s+.*\/log$/m,
    );
    expect(text.stdout).toMatch(
      /^compress\s+1\s+~[\d.]+ MiB rotated logs of over 1 MiB, not compressed; 0h old\s+.*\/log$/m,
    );
    expect(text.stdout).toMatch(/^3 file actions in 2 directories free about [\d.]+ MiB\.$/m);
    expect(text.stdout).toMatch(/Nothing was changed\. To do it: hog disk clean .* --apply/);

    const all = await runHog(['disk', 'clean', '--all', '--compress-over', '1M', dir]);
    expect(all.stdout).toMatch(/^ACTION\s+FREES\s+WHY\s+PATH$/m);
    expect(all.stdout).toMatch(
      /^delete\s+296\.0 KiB rotated log, last written 20d ago \(over 7d\)\s+.*app\.log\.3\.gz$/m,
    );
  });

  it('--apply --yes does it, logs each step, and gzip keeps the content', async () => {
    const log = join(dir, '..', `${dir.split('/').pop()}-clean.log`);
    try {
      const original = readFileSync(join(dir, 'log', 'app.log.1'));
      const result = json<CleanJson>(
        await runHog([
          'disk',
          'clean',
          '--json',
          '--apply',
          '--yes',
          '--compress-over',
          '1M',
          '--log',
          log,
          dir,
        ]),
      );
      expect(result.applied?.results.every((r) => r.status === 'done')).toBe(true);
      expect(existsSync(join(dir, 'log', 'app.log.3.gz'))).toBe(false);
      expect(existsSync(join(dir, 'log', 'app.log.1'))).toBe(false);
      expect(gunzipSync(readFileSync(join(dir, 'log', 'app.log.1.gz'))).equals(original)).toBe(true);
      expect(existsSync(join(dir, 'notes.bak'))).toBe(true);
      expect(existsSync(join(dir, 'core'))).toBe(true);
      const records = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(records[0]).toMatchObject({ event: 'start', roots: [dir] });
      expect(records.filter((r) => r.event === 'delete' || r.event === 'compress')).toHaveLength(
        result.plan.actions.length,
      );
      expect(records[records.length - 1]).toMatchObject({
        event: 'end',
        freedBytes: result.applied?.freedBytes,
      });
    } finally {
      removeTree(log);
    }
  });

  it('--apply without a terminal asks for --yes and does nothing', async () => {
    const result = await runHog(['disk', 'clean', '--apply', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/hint: add --yes/);
    expect(existsSync(join(dir, 'log', 'app.log.3.gz'))).toBe(true);
  });

  it('leaves open files, hard-linked files and anything behind a symlink alone', async () => {
    const open = join(dir, 'log', 'open.log.1');
    writeFileSync(open, 'held');
    age(open, 30);
    holder = spawn(
      process.execPath,
      [
        '-e',
        `require('fs').openSync(${JSON.stringify(open)},'r');process.stdout.write('ready');setInterval(()=>{},1e6)`,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve) => holder?.stdout?.once('data', () => resolve()));
    const linked = join(dir, 'log', 'linked.log.1');
    writeFileSync(linked, 'two names');
    linkSync(linked, join(dir, 'second-name'));
    age(linked, 30);
    const outside = tempDir('outside');
    writeFileSync(join(outside, 'victim.log.1'), 'must survive');
    age(join(outside, 'victim.log.1'), 30);
    symlinkSync(outside, join(dir, 'log', 'escape'));
    try {
      const result = json<CleanJson>(await runHog(['disk', 'clean', '--json', dir]));
      const paths = result.plan.actions.map((a) => a.path);
      expect(paths).not.toContain(open);
      expect(paths).not.toContain(linked);
      expect(paths.some((p) => p.includes('victim'))).toBe(false);
      expect(result.plan.skipped.find((s) => s.path === open)?.reason).toMatch(
        /^open by PID \d+ \(node\): removing it would free nothing until it is closed$/,
      );
      expect(result.plan.skipped.find((s) => s.path === linked)?.reason).toMatch(/other hard links/);
      await runHog(['disk', 'clean', '--apply', '--yes', '--log', join(outside, 'log'), dir]);
      expect(readFileSync(join(outside, 'victim.log.1'), 'utf8')).toBe('must survive');
      expect(existsSync(open)).toBe(true);
    } finally {
      removeTree(outside);
    }
  });
});

const noNobody = skipWithout('hog disk clean as nobody', canSwitchUser);

describe.skipIf(noNobody)('as nobody', () => {
  it('leaves out what this user may not remove, and says why', async () => {
    chmodSync(dir, 0o755);
    const shared = join(dir, 'log', 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777); // like /tmp: everyone may write, only owners may remove
    writeFileSync(join(shared, 'mine.log.1'), 'x');
    chownSync(join(shared, 'mine.log.1'), NOBODY, NOBODY);
    age(join(shared, 'mine.log.1'), 30);
    writeFileSync(join(shared, 'theirs.log.1'), 'x');
    age(join(shared, 'theirs.log.1'), 30);
    const result = json<CleanJson>(await runHog(['disk', 'clean', '--json', dir], { uid: NOBODY }));
    const paths = result.plan.actions.map((a) => a.path);
    expect(paths).toEqual([join(shared, 'mine.log.1')]);
    const reasons = new Map(result.plan.skipped.map((s) => [s.path, s.reason]));
    expect(reasons.get(join(shared, 'theirs.log.1'))).toBe(
      "another user's file in a sticky directory: only its owner or root may remove it",
    );
    expect(reasons.get(join(dir, 'log', 'app.log.3.gz'))).toBe(
      'this user may not change its directory: run hog as root (sudo) or as the owner',
    );
  });
});

describe('refusals', () => {
  it('refuses / and system directories unless --force', async () => {
    for (const path of ['/', '/usr', '/usr/lib', '/etc', '/var', '/home']) {
      const result = await runHog(['disk', 'clean', path]);
      expect(result.code, path).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^hog: refusing to clean "${path}": `, 'm'));
      expect(result.stderr).toMatch(/hint: give a more specific directory .* or add --force/);
    }
    expect(refusalReason('/var/log')).toBeUndefined();
    expect(refusalReason('/home/ann/.cache')).toBeUndefined();
  });

  it('a file, a missing path: clear errors', async () => {
    const file = await runHog(['disk', 'clean', join(dir, 'notes.bak')]);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/^hog: hog disk clean takes directories; ".*notes\.bak" is a file$/m);
    expect((await runHog(['disk', 'clean', join(dir, 'nope')])).stderr).toMatch(
      /^hog: no such file or directory/m,
    );
  });

  it.skipIf(cannotMount)('a read-only filesystem: says so, exit 2', async () => {
    const fs = mountTmpfs('ro', 'size=4m');
    try {
      writeFileSync(join(fs.path, 'x.tmp'), 'x');
      const { execFileSync } = await import('node:child_process');
      execFileSync('mount', ['-o', 'remount,ro', fs.path]);
      const result = await runHog(['disk', 'clean', fs.path]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `hog: "${fs.path}" is on a read-only filesystem (${fs.path} is mounted ro): nothing there can be removed\nhint: if it should be writable: mount -o remount,rw ${fs.path}\n`,
      );
    } finally {
      fs.unmount();
    }
  });
});

describe('pieces', () => {
  it('recognises an ELF core file by its header', () => {
    expect(isElfCore(CORE_HEADER)).toBe(true);
    expect(isElfCore(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0]))).toBe(
      false,
    ); // ET_EXEC
    expect(isElfCore(Buffer.from('not elf at all....'))).toBe(false);
  });
});

afterAll(() => {
  holder?.kill('SIGKILL');
});
