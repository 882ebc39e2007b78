/**
 * hog disk -i in-process, on a fake terminal over a real temporary tree: into a directory and back,
 * a delete after y (the file is gone from the disk and from the frame), a resize, q restoring the
 * terminal; keys after q do nothing. No tmux, no sleeping.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeTree, tempDir } from '../helpers/disk.js';
import { expectScreenRestored, expectSilentAfterExit, startLiveHog } from '../helpers/liveHog.js';

let dir: string;
let hog: ReturnType<typeof startLiveHog> | undefined;
beforeEach(() => {
  dir = tempDir('browse-live');
  mkdirSync(join(dir, 'big'));
  writeFileSync(join(dir, 'big', 'one.bin'), Buffer.alloc(3 * 1024 * 1024, 1));
  writeFileSync(join(dir, 'big', 'two.bin'), Buffer.alloc(1024 * 1024, 1));
  writeFileSync(join(dir, 'middle.log'), Buffer.alloc(2 * 1024 * 1024, 1));
});
afterEach(async () => {
  hog?.terminal.type('q');
  await hog?.exit;
  hog = undefined;
  removeTree(dir);
});

const UP = '\x1b[A';
const LEFT = '\x1b[D';

describe('hog disk -i on a fake terminal', () => {
  it('Enter opens a directory, ← goes back to it in its parent, q restores the terminal', async () => {
    hog = startLiveHog(['disk', '-i', dir], { width: 100 });
    const first = await hog.screenWhen(
      (l) => l[0]?.startsWith(`hog disk -i  ${dir}`) === true,
      'the first frame',
    );
    expect(first[2]).toMatch(/^> +4\.0 MiB .* big\/$/);
    expect(first[3]).toMatch(/^ +2\.0 MiB .* middle\.log$/);

    hog.terminal.type('\r');
    const inside = hog.terminal.screen();
    expect(inside[0]).toMatch(new RegExp(`^hog disk -i  ${dir}/big `));
    expect(inside[2]).toMatch(/^> +3\.0 MiB .* one\.bin$/);
    expect(inside[3]).toMatch(/^ +1\.0 MiB .* two\.bin$/);

    hog.terminal.type(LEFT);
    const back = hog.terminal.screen();
    expect(back[0]).toMatch(new RegExp(`^hog disk -i  ${dir} `));
    // the cursor is on the directory it came out of
    expect(back[2]).toMatch(/^> +4\.0 MiB .* big\/$/);

    hog.terminal.type('q');
    await expect(hog.exit).resolves.toBe(0);
    expectScreenRestored(hog);
    expect(hog.output.err).toBe('');
  });

  it('d then y deletes the selected file, on disk and in the frame', async () => {
    hog = startLiveHog(['disk', '-i', dir], { width: 100 });
    await hog.screenWhen((l) => l[0]?.startsWith(`hog disk -i  ${dir}`) === true, 'the first frame');
    hog.terminal.type('\x1b[B');
    hog.terminal.type('d');
    expect(hog.terminal.screen().some((l) => l.startsWith(`Delete ${dir}/middle.log, 2.0 MiB? [y/N]`))).toBe(
      true,
    );
    hog.terminal.type('y');
    const after = hog.terminal.screen();
    expect(existsSync(join(dir, 'middle.log'))).toBe(false);
    expect(after.some((l) => l.includes(`deleted ${dir}/middle.log: 2.0 MiB freed`))).toBe(true);
    expect(after.some((l) => l.endsWith(' middle.log'))).toBe(false);
    expect(after.at(-1)).toMatch(/^Total disk usage: 4\.0 MiB {2}Apparent size: 4\.0 MiB {2}Files: 2 /);
  });

  it('a resize redraws at the new size; keys after q go nowhere', async () => {
    hog = startLiveHog(['disk', '-i', dir], { width: 100 });
    await hog.screenWhen((l) => l[0]?.startsWith(`hog disk -i  ${dir}`) === true, 'the first frame');
    hog.terminal.resize(80, 10);
    const small = hog.terminal.screen();
    expect(small).toHaveLength(10);
    expect(small.every((l) => l.length <= 80)).toBe(true);
    expect(small[9]).toMatch(/^Total disk usage: 6\.0 MiB/);
    hog.terminal.type(`q${UP}\r`);
    await expect(hog.exit).resolves.toBe(0);
    expectSilentAfterExit(hog, '\r');
  });

  it('without a terminal it says how to print the report instead (exit 2)', async () => {
    hog = startLiveHog(['disk', '-i', dir], { outputIsTTY: false });
    await expect(hog.exit).resolves.toBe(2);
    expect(hog.output.err).toBe(
      'hog: hog disk -i needs a terminal\nhint: without -i, hog disk prints the report as text or --json\n',
    );
    hog = undefined;
  });
});
