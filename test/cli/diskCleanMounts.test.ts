/**
 * hog disk clean --apply against an attacker and across mounts (issue 10):
 * - a directory of the tree swapped with a symlink out of it in a loop while the command scans and
 *   applies: nothing outside the root is deleted;
 * - a bind mount of the same filesystem inside the root (same st_dev, another mount ID), made in a
 *   private mount namespace (unshare -m): neither the plan nor the deletion crosses it, with either
 *   walker and with either source of mount IDs (statx, or /proc/self/fdinfo as on kernels before 5.8);
 *   --cross-mounts does.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canMountInNamespace, skipWithout } from '../helpers/capabilities.js';
import { removeTree, scratchDir } from '../helpers/disk.js';
import { HOG_BIN, runHog } from '../helpers/hog.js';
import { startSwapper, swapperBinary } from '../helpers/swapper.js';

const DAY = 86400;
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

function oldFile(path: string, content: string, days = 20): void {
  writeFileSync(path, content);
  const t = Date.now() / 1000 - days * DAY;
  utimesSync(path, t, t);
}

interface CleanJson {
  plan: { actions: { path: string }[] };
  applied: { results: { path: string; status: string; message?: string }[] } | null;
}

let base: string;
beforeEach(() => {
  base = scratchDir('clean-mounts');
});
afterEach(() => removeTree(base));

describe('the rename race through the CLI', () => {
  it('hog disk clean --apply deletes nothing outside the root while a directory swaps with a symlink (5 runs)', async (context) => {
    const swapper = swapperBinary(base);
    if ('skip' in swapper) {
      console.warn(`skipped: ${swapper.skip}`);
      return context.skip();
    }
    let deleted = 0;
    for (let run = 0; run < 5; run++) {
      const dir = join(base, `run${run}`);
      const root = join(dir, 'root');
      const outside = join(dir, 'outside');
      mkdirSync(join(root, 'd'), { recursive: true });
      mkdirSync(outside);
      for (let i = 0; i < 10; i++) {
        oldFile(join(outside, `app${i}.log.1`), 'victim');
        oldFile(join(root, 'd', `app${i}.log.1`), 'old log');
      }
      symlinkSync('../outside', join(root, 'link'));
      const running = await startSwapper(swapper.path, join(root, 'd'), join(root, 'link'));
      let result: Awaited<ReturnType<typeof runHog>>;
      try {
        result = await runHog([
          'disk',
          'clean',
          root,
          '--apply',
          '--yes',
          '--json',
          '--log',
          join(dir, 'log'),
        ]);
      } finally {
        await running.stop();
      }
      expect(result.stderr).not.toMatch(/internal error|EINVAL/);
      expect(result.code).toBe(0);
      expect(readdirSync(outside)).toHaveLength(10);
      for (const name of readdirSync(outside))
        expect(readFileSync(join(outside, name), 'utf8')).toBe('victim');
      const out = JSON.parse(result.stdout) as CleanJson;
      const done = out.applied?.results.filter((r) => r.status === 'done') ?? [];
      expect(readdirSync(join(root, 'd'))).toHaveLength(10 - done.length);
      deleted += done.length;
    }
    console.log(`5 runs: ${deleted} old logs deleted inside the root, none outside`);
  });
});

describe('without the native addon', () => {
  it('--apply refuses before scanning (exit 4) and deletes nothing', async () => {
    mkdirSync(join(base, 'log'));
    oldFile(join(base, 'log', 'app.log.1'), 'old');
    const r = await runHog(['disk', 'clean', base, '--apply', '--yes'], { env: { HOG_DISK_ADDON: 'none' } });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(
      /^hog: hog deletes only through its native disk addon \(openat\/unlinkat by descriptor\), which is disabled \(HOG_DISK_ADDON=none\); nothing was deleted$/m,
    );
    expect(r.stderr).toMatch(/hint: install a C\+\+ compiler/);
    expect(existsSync(join(base, 'log', 'app.log.1'))).toBe(true);
  });
});

/** Run `script` (sh) in a private mount namespace; its arguments are $1... */
function inNamespace(script: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ...env },
  });
}

const noNamespace = skipWithout('a bind mount inside the root', canMountInNamespace);

describe.skipIf(noNamespace)('a bind mount of the same filesystem inside the root', () => {
  let root: string;
  let victim: string;
  beforeEach((context) => {
    root = join(base, 'root');
    victim = join(base, 'victim');
    mkdirSync(join(root, 'log'), { recursive: true });
    mkdirSync(join(root, 'data'));
    mkdirSync(victim);
    oldFile(join(root, 'log', 'app.log.1'), 'mine');
    oldFile(join(victim, 'old.log.1'), "the victim's old log");
    const probe = inNamespace('mount --bind "$1" "$2" && stat -c %d "$2" "$1"', [victim, join(root, 'data')]);
    if (probe.status !== 0) {
      console.warn(`skipped: cannot bind-mount in a private mount namespace: ${probe.stderr.trim()}`);
      context.skip();
    }
    // the point of the test: st_dev alone cannot tell the bind mount apart
    const [inside, outside] = probe.stdout.trim().split('\n');
    expect(inside).toBe(outside);
  });

  const clean = (flags: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = inNamespace(
      'mount --bind "$1" "$2" && exec "$3" disk clean "$4" --yes --json --log "$5" $6 $7',
      [victim, join(root, 'data'), HOG_BIN, root, join(base, 'clean.log'), ...flags],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout) as CleanJson;
  };

  for (const [label, env] of [
    ['native walker, statx mount IDs', {}],
    ['native walker, fdinfo mount IDs', { HOG_DISK_MOUNT_ID: 'fdinfo' }],
    ['JavaScript walker (mountinfo)', { HOG_DISK_WALKER: 'js' }],
  ] as const) {
    it(`is neither planned nor crossed by --apply (${label})`, () => {
      const out = clean(['--apply'], env);
      expect(out.plan.actions.map((a) => a.path)).toEqual([join(root, 'log', 'app.log.1')]);
      expect(out.applied?.results.map((r) => r.status)).toEqual(['done']);
      expect(existsSync(join(root, 'log', 'app.log.1'))).toBe(false);
      expect(readFileSync(join(victim, 'old.log.1'), 'utf8')).toBe("the victim's old log");
    });
  }

  it('--cross-mounts plans what is below it', () => {
    const out = clean(['--cross-mounts']);
    expect(out.plan.actions.map((a) => a.path).sort()).toEqual([
      join(root, 'data', 'old.log.1'),
      join(root, 'log', 'app.log.1'),
    ]);
    expect(out.applied).toBeNull();
    expect(existsSync(join(victim, 'old.log.1'))).toBe(true);
  });

  for (const source of ['statx', 'fdinfo']) {
    it(`the deletion itself refuses a file below it, and a directory holding it keeps it (${source})`, () => {
      mkdirSync(join(root, 'holder'));
      mkdirSync(join(root, 'holder', 'mnt'));
      writeFileSync(join(root, 'holder', 'mine'), 'x');
      const script = `
        import { RootDir } from ${JSON.stringify(join(DIST, 'disk/removeBeneath.js'))};
        const root = RootDir.open(process.argv[1]);
        const file = root.remove(Buffer.from('data/old.log.1'), { type: 'file' });
        const dir = root.remove(Buffer.from('holder'), { type: 'dir' }, true);
        console.log(JSON.stringify({ file, dir }));`;
      const r = inNamespace(
        'mount --bind "$1" "$2" && mount --bind "$1" "$3" && exec node --input-type=module -e "$4" "$5"',
        [victim, join(root, 'data'), join(root, 'holder', 'mnt'), script, root],
        source === 'fdinfo' ? { HOG_DISK_MOUNT_ID: 'fdinfo' } : {},
      );
      expect(r.stderr).toBe('');
      const { file, dir } = JSON.parse(r.stdout);
      expect(file).toMatchObject({
        removed: false,
        files: 0,
        reason: 'data is on another mount (a mount point inside the root): not crossed',
      });
      expect(dir).toMatchObject({ removed: false, files: 1, directories: 0, kept: 1 });
      expect(dir.reason).toBe('holder/mnt is on another mount: not crossed');
      expect(readFileSync(join(victim, 'old.log.1'), 'utf8')).toBe("the victim's old log");
      expect(readdirSync(join(root, 'holder'))).toEqual(['mnt']);
    });
  }
});
