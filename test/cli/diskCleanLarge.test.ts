/**
 * A plan of 200,000 actions: before, renderTable spread every row into Math.max and crashed with
 * "Maximum call stack size exceeded" before --apply could do anything, and the JSON plan was one
 * string of objects. Now the table is grouped (200 lines), --all and --json stream every action, and
 * the peak RSS stays far below what 200,000 action objects took (measured with GNU time; the figures
 * for a million files are in bench/RESULTS.md). The tree is 200,000 empty rotated logs on a tmpfs
 * (no data pages), outside /tmp so the log rules apply.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canMount, hasCommand } from '../helpers/capabilities.js';
import { removeTree, scratchDir } from '../helpers/disk.js';
import { HOG_BIN } from '../helpers/hog.js';

const run = promisify(execFile);
const FILES = 200_000;

function capability(): string | undefined {
  return canMount() ?? hasCommand('python3') ?? hasCommand('/usr/bin/time');
}
const missing = capability();
if (missing) console.warn(`skipping diskCleanLarge: ${missing}`);

let root: string;

beforeAll(() => {
  if (missing) return;
  root = scratchDir('large');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,nr_inodes=400k', `hog-test-${process.pid}`, root]);
  // 200 directories of 1,000 empty rotated logs, last written in 2017
  execFileSync('python3', [
    '-c',
    `import os,sys
root=sys.argv[1]
for d in range(200):
    dd=os.path.join(root,'log','d%d'%d); os.makedirs(dd)
    for i in range(1000):
        p=os.path.join(dd,'app-%d.log.1'%i); os.close(os.open(p,os.O_CREAT|os.O_WRONLY,0o644)); os.utime(p,(1500000000,1500000000))`,
    root,
  ]);
}, 120_000);
afterAll(() => {
  if (!root) return;
  spawnSync('umount', [root]);
  removeTree(root);
});

/** hog's stdout and peak RSS (KiB, GNU time's %M). */
async function measured(args: string[]): Promise<{ stdout: string; kib: number }> {
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'HOGRSS %M', HOG_BIN, ...args], {
    timeout: 120_000,
    maxBuffer: 1 << 28,
  });
  const line = stderr.split('\n').find((l) => l.startsWith('HOGRSS '));
  return { stdout, kib: Number(line?.split(' ')[1]) };
}

describe.skipIf(missing !== undefined)('a plan of 200,000 actions', () => {
  it('prints grouped by directory, without a crash', async () => {
    const { stdout, kib } = await measured(['disk', 'clean', root]);
    expect(stdout).toMatch(/^200,000 file actions in 200 directories free 0 B\.$/m);
    expect(stdout).toMatch(/^… and 160 more directories \(--all lists every file\)$/m);
    expect(stdout.split('\n').filter((l) => l.startsWith('delete '))).toHaveLength(40);
    expect(kib).toBeLessThan(300 * 1024);
  }, 120_000);

  it('--json streams every action; --all prints every file', async () => {
    const json = await measured(['disk', 'clean', '--json', root]);
    const plan = JSON.parse(json.stdout).plan as { actions: { path: string }[]; groups: unknown[] };
    expect(plan.actions).toHaveLength(FILES);
    expect(plan.groups).toHaveLength(200);
    expect(plan.actions[0]?.path).toMatch(/\/log\/d\d+\/app-\d+\.log\.1$/);
    expect(json.kib).toBeLessThan(300 * 1024);
    const all = await measured(['disk', 'clean', '--all', root]);
    expect(
      all.stdout.split('\n').filter((l) => /^delete\s+0 B rotated log, last written \d+d ago/.test(l)),
    ).toHaveLength(FILES);
    expect(all.kib).toBeLessThan(300 * 1024);
  }, 180_000);
});
