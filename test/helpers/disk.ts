/**
 * Real file trees and filesystems for the disk tests: temp directories named after the test process,
 * du as the reference, and small tmpfs or loop-mounted ext4 filesystems (root only) that the test
 * mounts and always unmounts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * uid 0. Not a capability: root in a container or a user namespace may be unable to mount; gate tests
 * on the probes of ./capabilities.js instead (canMount, canSwitchUser, ...). Kept for callers.
 */
export const isRoot = process.getuid?.() === 0;

/** A fresh directory under /tmp, named after issue 5 and this process. */
export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `hog-test-5-${process.pid}-${label}-`));
}

/** Under /tmp or /var/tmp, where hog disk clean applies systemd-tmpfiles' age rule to everything. */
function underTemp(path: string): boolean {
  return ['/tmp', '/var/tmp'].some((t) => path === t || path.startsWith(`${t}/`));
}

/**
 * A fresh directory outside any temporary directory, for the cleanup tests: in /tmp every file
 * follows systemd-tmpfiles' age rule, which would decide instead of the rule under test. /srv first
 * (writable by root, and other users can reach it: the tests run hog as nobody there too), else
 * test/.scratch (git-ignored) unless the checkout itself is under /tmp (a fresh clone often is), else
 * the home directory. Never ~/.cache: that is a cache hog judges by its own table.
 */
export function scratchDir(label: string): string {
  const candidates = [
    '/srv/hog-test-scratch',
    fileURLToPath(new URL('../.scratch/', import.meta.url)),
    join(homedir(), 'hog-test-scratch'),
  ];
  for (const base of candidates) {
    try {
      mkdirSync(base, { recursive: true });
      if (underTemp(realpathSync(base))) continue;
      return mkdtempSync(join(base, `${label}-${process.pid}-`));
    } catch {
      // not writable here: the next place
    }
  }
  throw new Error(
    `no place outside /tmp and /var/tmp to make a scratch directory (tried ${candidates.join(', ')})`,
  );
}

export function removeTree(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/** du's total for a path, with the given flags (-sb, -sB1, --exclude=...). */
export function du(path: string, ...flags: string[]): number {
  const out = execFileSync('du', [...flags, '--', path], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
  return Number(out.split('\t')[0]);
}

/** du as another user (setpriv), ignoring its exit code (1 when a directory is unreadable). */
export function duAs(uid: number, path: string, ...flags: string[]): number {
  const r = spawnSync(
    'setpriv',
    [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', 'du', ...flags, '--', path],
    {
      encoding: 'utf8',
    },
  );
  return Number(r.stdout.trim().split('\t')[0]);
}

/** The uid of nobody. */
export const NOBODY = 65534;

export interface Mounted {
  path: string;
  unmount(): void;
}

/** A tmpfs of `size` (mount options as text, e.g. "size=64m" or "size=1m,nr_inodes=100") at a new directory. */
export function mountTmpfs(label: string, options: string): Mounted {
  const path = tempDir(label);
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, `hog-test-5-${process.pid}`, path]);
  return {
    path,
    unmount() {
      spawnSync('umount', ['-l', path]);
      removeTree(path);
    },
  };
}

/** A loop-mounted ext4 of `mib` MiB (5% reserved blocks, mkfs's default) at a new directory. */
export function mountExt4(label: string, mib: number): Mounted {
  const dir = tempDir(label);
  const image = `${dir}.img`;
  execFileSync('truncate', ['-s', `${mib}M`, image]);
  execFileSync('mkfs.ext4', ['-q', '-F', '-m', '5', image]);
  const path = join(dir, 'mnt');
  mkdirSync(path);
  execFileSync('mount', ['-o', 'loop', image, path]);
  return {
    path,
    unmount() {
      // lazily if still busy (a process of the test that is being killed): detached at once, freed later
      if (spawnSync('umount', [path]).status !== 0) spawnSync('umount', ['-l', path]);
      removeTree(dir);
      rmSync(image, { force: true });
    },
  };
}
