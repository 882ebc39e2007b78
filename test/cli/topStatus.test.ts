/**
 * hog top on a terminal reads statm for every process and /proc/PID/status only for the rows on screen
 * (USER and SWAP come from status): on a written procfs tree whose off-screen processes have a status
 * that cannot be read (a directory: reading it fails with EISDIR, which hog reports and stops on), the
 * view shows the right users and never fails; scrolled into view, rows get their status then.
 * (test/memory/statusFill.test.ts: the deferred read gives every field the full read gives.)
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pageSize } from '../../src/proc/pageSize.js';
import { hasCommand, skipWithout } from '../helpers/capabilities.js';
import { removeTree, tempDir } from '../helpers/disk.js';
import { FIXTURES, HOG_BIN } from '../helpers/hog.js';
import { waitFor } from '../helpers/processes.js';
import { TmuxSession } from '../helpers/tmux.js';

const PROCESSES = 60;
/** Rows on a 24-line screen: 5 header lines and the table's own header above them. */
const PAGE = 24 - 5 - 1;

/** The i-th process: RES falls with i, so the sort by RES shows them in order of i. */
function writeProcess(proc: string, i: number, status: 'valid' | 'unreadable'): void {
  const pid = 1000 + i;
  const dir = join(proc, String(pid));
  mkdirSync(dir);
  const stat = readFileSync(join(FIXTURES, 'machine/proc/8980/stat'), 'utf8')
    .replace(/^8980 \(node\) S 8962/, `${pid} (worker) S 1`)
    .trimEnd();
  writeFileSync(join(dir, 'stat'), `${stat}\n`);
  const resident = (PROCESSES - i) * 1000;
  writeFileSync(join(dir, 'statm'), `${resident * 4} ${resident} ${i * 10} 100 0 ${resident} 0\n`);
  writeFileSync(join(dir, 'cmdline'), `worker\0--n\0${i}\0`);
  if (status === 'unreadable') {
    mkdirSync(join(dir, 'status'));
    return;
  }
  const kib = (pages: number) => (pages * pageSize()) / 1024;
  const uid = 2000 + i;
  writeFileSync(
    join(dir, 'status'),
    [
      'Name:\tworker',
      'State:\tS (sleeping)',
      `Tgid:\t${pid}`,
      `Pid:\t${pid}`,
      'PPid:\t1',
      `Uid:\t${uid}\t${uid}\t${uid}\t${uid}`,
      `Gid:\t${uid}\t${uid}\t${uid}\t${uid}`,
      `VmSize:\t${kib(resident * 4)} kB`,
      `VmRSS:\t${kib(resident)} kB`,
      'RssAnon:\t0 kB',
      `RssFile:\t${kib(i * 10)} kB`,
      'RssShmem:\t0 kB',
      `VmSwap:\t${i * 4} kB`,
      'Threads:\t1',
      'Kthread:\t0',
      '',
    ].join('\n'),
  );
}

let root: string;
beforeAll(() => {
  root = tempDir('top-status');
  const proc = join(root, 'proc');
  mkdirSync(proc);
  for (const file of ['loadavg', 'meminfo', 'pressure', 'uptime', 'self']) {
    cpSync(join(FIXTURES, 'machine/proc', file), join(proc, file), { recursive: true });
  }
  // the first page and the last page can be read; the 24 rows between them cannot
  for (let i = 0; i < PROCESSES; i++) {
    writeProcess(proc, i, i < PAGE || i >= PROCESSES - PAGE ? 'valid' : 'unreadable');
  }
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\nfirst:x:2000:2000::/:/bin/sh\n');
});
afterAll(() => removeTree(root));

let session: TmuxSession | undefined;
afterEach(() => session?.kill());

const noTmux = skipWithout('hog top in a terminal', () => hasCommand('tmux'));

describe.skipIf(noTmux)('hog top on a terminal, status read for the rows on screen only', () => {
  const rowsOf = (screen: string[]) =>
    screen
      .filter((l) => /^\s*1\d{3} /.test(l))
      .map((l) => {
        const [pid, user] = l.trim().split(/\s+/);
        return `${pid} ${user}`;
      });

  it('shows the users of the first page, then of the last page after End; the rows between are never read', async () => {
    session = TmuxSession.start(
      `${HOG_BIN} --proc-root ${root}/proc --etc-root ${root}/etc top -d 30`,
      100,
      24,
    );
    const first = await session.waitForScreen((l) => rowsOf(l).length === PAGE, 'the first page of rows');
    const expected = (from: number) =>
      Array.from(
        { length: PAGE },
        (_, k) => `${1000 + from + k} ${from + k === 0 ? 'first' : 2000 + from + k}`,
      );
    expect(rowsOf(first)).toEqual(expected(0));
    // SWAP (shown at 100 columns) of the first row: VmSwap 0 kB; of the second: 4 kB
    expect(first.find((l) => /^\s*1001 /.test(l))).toMatch(/^\s*1001 2001 .* 4\.0K /);
    session.keys('End');
    const last = await session.waitForScreen(
      (l) => rowsOf(l)[0]?.startsWith(`${1000 + PROCESSES - PAGE} `) === true,
      'the last page after End',
    );
    expect(rowsOf(last)).toEqual(expected(PROCESSES - PAGE));
    expect(session.exited()).toBe(false);
  });

  it.each([
    ['-u first', 'uid'],
    ['-s swap', 'VmSwap'],
  ])('with %s, every row needs its %s: the unreadable status stops hog with the reason', async (flags) => {
    const stderr = join(root, 'stderr');
    session = TmuxSession.start(
      `${HOG_BIN} --proc-root ${root}/proc --etc-root ${root}/etc top -d 30 ${flags} 2>${stderr}`,
      100,
      24,
    );
    await waitFor(() => session?.exited(), 'hog top to stop');
    expect(readFileSync(stderr, 'utf8')).toMatch(
      new RegExp(`^hog: EISDIR: cannot read ${root}/proc/10\\d\\d/status\n`),
    );
  });
});
