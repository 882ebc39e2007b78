/**
 * hog disk -i in a real terminal (tmux): it lists the largest entries first, opens directories, sorts,
 * deletes after confirmation (the file is gone and the totals drop), refuses an entry swapped for a
 * symlink, redraws on resize, quits with q.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeTree, tempDir } from '../helpers/disk.js';
import { HOG_BIN } from '../helpers/hog.js';
import { waitFor } from '../helpers/processes.js';
import { TmuxSession } from '../helpers/tmux.js';

let dir: string;
let session: TmuxSession | undefined;
beforeEach(() => {
  dir = tempDir('browse');
  mkdirSync(join(dir, 'big'));
  writeFileSync(join(dir, 'big', 'one.bin'), Buffer.alloc(3 * 1024 * 1024, 1));
  writeFileSync(join(dir, 'big', 'two.bin'), Buffer.alloc(1024 * 1024, 1));
  writeFileSync(join(dir, 'middle.log'), Buffer.alloc(2 * 1024 * 1024, 1));
  writeFileSync(join(dir, 'small.txt'), 'tiny');
});
afterEach(() => {
  session?.kill();
  session = undefined;
  removeTree(dir);
});

const rowOf = (lines: string[], name: string) => lines.find((l) => l.trimEnd().endsWith(` ${name}`));

describe('hog disk -i in a terminal', () => {
  it('lists largest first, opens a directory, deletes after y, and q quits', async () => {
    session = TmuxSession.start(`${HOG_BIN} disk -i ${dir}`, 100, 24);
    const first = await session.waitForScreen(
      (l) => l[0]?.startsWith(`hog disk -i  ${dir}`) === true,
      'the first frame',
    );
    expect(first).toHaveLength(24);
    expect(first.every((l) => l.length <= 100)).toBe(true);
    expect(first[1]).toMatch(/^sort: size desc, disk usage/);
    expect(first[2]).toMatch(/^> +4\.0 MiB +\d+\.\d% \[#+ *\] temp .* big\/$/);
    expect(first[3]).toMatch(/2\.0 MiB .* middle\.log$/);
    expect(first[first.length - 1]).toMatch(
      /^Total disk usage: 6\.0 MiB {2}Apparent size: 6\.0 MiB {2}Files: 4 /,
    );

    session.keys('Enter');
    const inside = await session.waitForScreen(
      (l) => l[0]?.startsWith(`hog disk -i  ${dir}/big`) === true,
      'inside big/',
    );
    expect(inside[2]).toMatch(/^> +3\.0 MiB .* one\.bin$/);

    session.keys('d');
    await session.waitForScreen(
      (l) => l.some((x) => x.startsWith(`Delete ${dir}/big/one.bin, 3.0 MiB? [y/N]`)),
      'the question',
    );
    session.keys('y');
    const after = await session.waitForScreen(
      (l) => l.some((x) => x === `deleted ${dir}/big/one.bin: 3.0 MiB freed`),
      'the deletion',
    );
    expect(existsSync(join(dir, 'big', 'one.bin'))).toBe(false);
    expect(after[after.length - 1]).toMatch(/^Total disk usage: 3\.0 MiB/);

    session.keys('Left');
    const back = await session.waitForScreen(
      (l) => l[0]?.startsWith(`hog disk -i  ${dir}  `) === true,
      'back at the top',
    );
    // big/ is now 1 MiB: middle.log leads, and the cursor is still on big/
    expect(back[2]).toMatch(/2\.0 MiB .* middle\.log$/);
    expect(rowOf(back, 'big/')).toMatch(/^>/);

    session.keys('q');
    await waitFor(() => session?.exited(), 'hog disk -i to exit after q');
  });

  it('n sorts by name, d then n keeps the file, and a resize redraws', async () => {
    session = TmuxSession.start(`${HOG_BIN} disk -i ${dir}`, 80, 24);
    await session.waitForScreen((l) => l[0]?.startsWith('hog disk -i') === true, 'the first frame');
    session.keys('n');
    const byName = await session.waitForScreen(
      (l) => l[1]?.startsWith('sort: name asc') === true,
      'sorted by name',
    );
    expect(byName.slice(2, 5).map((l) => l.trim().split(/\s+/).pop())).toEqual([
      'big/',
      'middle.log',
      'small.txt',
    ]);
    session.keys('d', 'n');
    await session.waitForScreen((l) => l.includes('nothing deleted'), 'the cancel message');
    expect(existsSync(join(dir, 'big'))).toBe(true);
    session.resize(50, 12);
    const narrow = await session.waitForScreen(
      (l) => l.length === 12 && (l[2] ?? '').length <= 50 && !/temp/.test(l[2] ?? ''),
      'a redraw at 50x12',
    );
    expect(narrow.every((l) => l.length <= 50)).toBe(true);
  });

  it('d under a directory swapped for a symlink after the scan says so and deletes nothing (issue 10)', async () => {
    const outside = `${dir}-outside`;
    mkdirSync(outside);
    writeFileSync(join(outside, 'one.bin'), 'keep me');
    session = TmuxSession.start(`${HOG_BIN} disk -i ${dir}`, 140, 24);
    await session.waitForScreen((l) => l[0]?.startsWith('hog disk -i') === true, 'the first frame');
    session.keys('Enter');
    const inside = await session.waitForScreen(
      (l) => l[0]?.startsWith(`hog disk -i  ${dir}/big`) === true,
      'big/',
    );
    expect(inside[2]).toMatch(/ one\.bin$/);
    // big/ now leads out of the scanned tree: rmSync(big/one.bin) followed it and deleted outside/one.bin
    renameSync(join(dir, 'big'), join(dir, 'big.moved'));
    symlinkSync(outside, join(dir, 'big'));
    try {
      session.keys('d');
      const refusal = `cannot delete ${dir}/big/one.bin: big is no longer a directory (replaced by a symlink or a file): not followed`;
      await session.waitForScreen((l) => l.some((x) => x === refusal), 'the refusal');
      session.keys('y'); // no question is open: nothing happens
      expect(readFileSync(join(outside, 'one.bin'), 'utf8')).toBe('keep me');
      expect(existsSync(join(dir, 'big.moved', 'one.bin'))).toBe(true);
    } finally {
      removeTree(outside);
    }
  });

  it('at 80 columns the bottom line fits, and a delete question keeps its [y/N]', async () => {
    // 1,200 files: "Total disk usage: 18.7 MiB  Apparent size: 14.0 MiB  Files: 1,205  (5 entries here)" is 84 columns
    mkdirSync(join(dir, 'many'));
    for (let i = 0; i < 1200; i++) writeFileSync(join(dir, 'many', `f${i}`), 'x');
    const long = `${'a-very-long-name-of-a-log-file-'.repeat(3)}.log`;
    writeFileSync(join(dir, long), Buffer.alloc(8 * 1024 * 1024, 1));
    session = TmuxSession.start(`${HOG_BIN} disk -i ${dir}`, 80, 24);
    const screen = await session.waitForScreen(
      (l) => l[0]?.startsWith('hog disk -i') === true,
      'the first frame',
    );
    expect(screen.every((l) => l.length <= 80)).toBe(true);
    const bottom = screen[23] ?? '';
    expect(bottom).toMatch(
      /^Total disk usage: [\d.]+ MiB {2}Apparent size: [\d.]+ MiB {2}Files: 1,205 {2}\(5 here\)$/,
    );
    // the long file is the largest, so selected: d asks about it, its path cut in the middle
    session.keys('d');
    const asked = await session.waitForScreen((l) => (l[22] ?? '').startsWith('Delete '), 'the question');
    expect(asked[22]).toMatch(/^Delete \/.*…[a-z-]*\.log, 8\.0 MiB\? \[y\/N\]$/);
    expect(asked[22]?.length).toBeLessThanOrEqual(80);
    session.keys('n');
    await session.waitForScreen((l) => l.some((x) => x.includes('nothing deleted')), 'the cancel message');
    expect(existsSync(join(dir, long))).toBe(true);
  });

  it('without a terminal it says -i needs one', async () => {
    const { runHog } = await import('../helpers/hog.js');
    const result = await runHog(['disk', '-i', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^hog: hog disk -i needs a terminal$/m);
  });
});

describe('the progress line', () => {
  it('shows files, directories, bytes and the current directory while a scan runs on a terminal', async () => {
    // the JavaScript walker on the whole root filesystem: slow enough to be seen at work
    session = TmuxSession.start(`env HOG_DISK_WALKER=js ${HOG_BIN} disk -x /`, 120, 10);
    const screen = await session.waitForScreen(
      (l) => /^scanning: [\d,]+ files, [\d,]+ dirs, [\d.]+ [KMGT]?i?B, \d+s {2}\/\S*/.test(l[0] ?? ''),
      'the progress line',
    );
    expect(screen[0]?.length).toBeLessThanOrEqual(120);
    session.keys('C-c');
  });
});
