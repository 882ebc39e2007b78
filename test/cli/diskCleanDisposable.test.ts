/**
 * hog disk clean on the real /var/cache and /tmp paths, inside a mount namespace (unshare -m) where a
 * tmpfs covers /var/cache and /etc/tmpfiles.d and an ext4 image covers /tmp, so the machine's own
 * directories are never touched. The ext4 image lets files have an old ctime and birth time (set with
 * debugfs while it is unmounted): the only way to prove the age rule end to end, since the kernel
 * stamps every change with the current time.
 *
 * Proves: debconf's database, apt's lock and CACHEDIR.TAG are not planned; apt's packages are one
 * apt-get clean; in /tmp a main.py with old mtime and atime but a new ctime stays, so do a .git work
 * tree, a tmpfiles.d x exclusion, an flock'd file, a file in an flock'd directory and a file held open, while a file with all its
 * times old is planned; --apply removes only that file and runs apt-get clean.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canLoopMount, canMountInNamespace, hasCommand } from '../helpers/capabilities.js';
import { removeTree, tempDir } from '../helpers/disk.js';
import { HOG_BIN } from '../helpers/hog.js';

/** The checkout hog runs from (bin/hog's parent). */
const REPO = dirname(dirname(HOG_BIN));

const run = promisify(execFile);
const OLD_SECONDS = Date.now() / 1000 - 60 * 86400;

/** Whether this machine lets the test make a mount namespace with a loop-mounted ext4: tried, not assumed. */
function capability(): string | undefined {
  for (const tool of ['mkfs.ext4', 'debugfs', 'flock', 'apt-get']) {
    const missing = hasCommand(tool);
    if (missing) return missing;
  }
  return canMountInNamespace() ?? canLoopMount();
}
const missing = capability();
if (missing) console.warn(`skipping diskCleanDisposable: ${missing}`);

let work: string;
let image: string;

/** Files in /tmp (relative), written old, and the ones whose ctime and birth time debugfs sets old too. */
const TMP_FILES: Record<string, boolean> = {
  'main.py': false,
  'old.txt': true,
  'proj/.git/objects/ab/cdef': true,
  'proj/main.c': true,
  'keep-x/data': true,
  flocked: true,
  held: true,
  'lockdir/inside': true,
};

function buildImage(): void {
  image = join(work, 'tmp.img');
  execFileSync('truncate', ['-s', '16M', image]);
  execFileSync('mkfs.ext4', ['-q', '-F', '-I', '256', image]);
  const mnt = join(work, 'mnt');
  mkdirSync(mnt);
  execFileSync('mount', ['-o', 'loop', image, mnt]);
  try {
    for (const rel of Object.keys(TMP_FILES)) {
      const path = join(mnt, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, Buffer.alloc(6000, 1));
      utimesSync(path, OLD_SECONDS, OLD_SECONDS);
    }
  } finally {
    execFileSync('umount', [mnt]);
  }
  // debugfs takes dates as YYYYMMDDHHMMSS; ctime and crtime (birth) can only be set this way
  const old = new Date(OLD_SECONDS * 1000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
  const commands = Object.entries(TMP_FILES)
    .filter(([, aged]) => aged)
    .flatMap(([rel]) =>
      ['ctime', 'crtime', 'atime', 'mtime'].map((f) => `set_inode_field /${rel} ${f} ${old}`),
    );
  writeFileSync(join(work, 'debugfs.cmd'), `${commands.join('\n')}\n`);
  execFileSync('debugfs', ['-w', '-f', join(work, 'debugfs.cmd'), image], { stdio: 'ignore' });
}

interface CleanJson {
  plan: {
    actions: { path: string; action: string; kind: string; reason: string }[];
    commands: { command: string[]; path: string; files: number }[];
    kept: { path: string; reason: string }[];
    skipped: { path: string; reason: string }[];
  };
  applied: { results: { path: string; status: string }[]; commands: { command: string; status: string }[] };
}

/** Run hog disk clean in a namespace over fresh /var/cache, /tmp and /etc/tmpfiles.d; returns its JSON and a listing after. */
async function inNamespace(args: string[]): Promise<{ result: CleanJson; after: string[] }> {
  const script = `
set -e
mount -t tmpfs -o size=32m hogtest /var/cache
mount -t tmpfs -o size=1m hogtest /etc/tmpfiles.d
# hog itself may live under /tmp (a checkout there, as a fresh clone often is): reach it through a
# bind mount at /mnt, which this namespace's /tmp mount cannot hide
mount --bind "${REPO}" /mnt
mount -o loop,noatime ${image} /tmp
mk() { mkdir -p "$(dirname "$1")"; head -c "$2" /dev/zero > "$1"; touch -d '60 days ago' "$1"; }
for f in config.dat passwords.dat templates.dat; do mk /var/cache/debconf/$f 3000; done
mk /var/cache/apt/archives/a_1.0_amd64.deb 100000
mk /var/cache/apt/archives/lock 0
mkdir -p /var/cache/apt/archives/partial
mk /var/cache/fontconfig/CACHEDIR.TAG 100
echo 'x /tmp/keep-*' > /etc/tmpfiles.d/hog-test.conf
# --no-fork: the job's PID is the lock holder itself, so killing it ends everything this script started
flock --no-fork -x /tmp/flocked sleep 30 &
locker=$!
flock --no-fork -x /tmp/lockdir sleep 30 &
dirlocker=$!
sleep 30 < /tmp/held &
holder=$!
for i in $(seq 100); do grep -q " $locker " /proc/locks && grep -q " $dirlocker " /proc/locks && break; sleep 0.05; done
/mnt/bin/hog disk clean --json ${args.join(' ')} /var/cache /tmp > /var/cache/.out || echo "hog exit $?" >&2
kill $locker $dirlocker $holder
wait
cat /var/cache/.out
echo '--- after'
find /var/cache /tmp -type f ! -name .out | sort
`;
  const { stdout } = await run('unshare', ['-m', '--propagation', 'private', 'bash', '-c', script], {
    timeout: 60_000,
    maxBuffer: 1 << 26,
  });
  const [json, after] = stdout.split('--- after\n');
  return { result: JSON.parse(json as string) as CleanJson, after: (after ?? '').trim().split('\n') };
}

beforeAll(() => {
  if (missing) return;
  work = tempDir('ns');
  buildImage();
});
afterAll(() => {
  if (work) {
    rmSync(image, { force: true });
    removeTree(work);
  }
});

describe.skipIf(missing !== undefined)('hog disk clean /var/cache /tmp in a mount namespace', () => {
  it('plans only what is known to be disposable, and says why the rest stays', async () => {
    const { result, after } = await inNamespace([]);
    const plan = result.plan;
    expect(plan.actions.map((a) => a.path)).toEqual(['/tmp/old.txt']);
    expect(plan.actions[0]).toMatchObject({
      action: 'delete',
      kind: 'temporary file',
      reason: 'temporary file, not read, written or changed for 60d (over 7d)',
    });
    expect(plan.commands).toMatchObject([
      { command: ['apt-get', 'clean'], path: '/var/cache/apt', files: 1 },
    ]);
    const kept = Object.fromEntries(plan.kept.map((k) => [k.path, k.reason]));
    expect(kept).toMatchObject({
      '/var/cache/debconf': 'unknown cache, not touched',
      '/var/cache/fontconfig': 'lock file, cache marker or not part of the cache: never removed',
      '/var/cache/apt': 'lock file, cache marker or not part of the cache: never removed',
      '/tmp': 'used or changed within 7d', // main.py: old mtime and atime, new ctime
      '/tmp/proj': 'a version-controlled repository or work tree: not temporary',
      '/tmp/keep-x': 'excluded from cleaning by tmpfiles.d (/etc/tmpfiles.d/hog-test.conf:1)',
    });
    expect(kept['/tmp/lockdir']).toMatch(
      /^a directory locked \(FLOCK\) by PID \d+: systemd-tmpfiles leaves locked directories alone$/,
    );
    const skipped = Object.fromEntries(plan.skipped.map((s) => [s.path, s.reason]));
    expect(skipped['/tmp/flocked']).toMatch(/^locked \(FLOCK\) by PID \d+: in use$/);
    expect(skipped['/tmp/held']).toMatch(
      /^open by PID \d+ \(sleep\): removing it would free nothing until it is closed$/,
    );
    expect(after).toContain('/tmp/old.txt'); // a plan changes nothing
    expect(after).toContain('/var/cache/apt/archives/a_1.0_amd64.deb');
  });

  it('--apply removes the old temp file and runs apt-get clean; debconf, the lock and the rest stay', async () => {
    const { result, after } = await inNamespace(['--apply', '--yes', '--log', '/var/cache/.clean.log']);
    expect(result.applied.results).toMatchObject([{ path: '/tmp/old.txt', status: 'done' }]);
    expect(result.applied.commands).toMatchObject([{ command: 'apt-get clean', status: 'done' }]);
    expect(after).toEqual([
      '/tmp/flocked',
      '/tmp/held',
      '/tmp/keep-x/data',
      '/tmp/lockdir/inside',
      '/tmp/main.py',
      '/tmp/proj/.git/objects/ab/cdef',
      '/tmp/proj/main.c',
      '/var/cache/.clean.log',
      '/var/cache/apt/archives/lock',
      '/var/cache/debconf/config.dat',
      '/var/cache/debconf/passwords.dat',
      '/var/cache/debconf/templates.dat',
      '/var/cache/fontconfig/CACHEDIR.TAG',
    ]);
  });
});
