/**
 * The d of hog disk -i, driven through its model (browserModel.ts) and the deleter the CLI uses
 * (browseDelete.ts), on a real scan: it removes what the question named, refuses what changed, and
 * — the rename race of issue 10 — deletes nothing outside the scanned root while a directory on the
 * way is swapped with a symlink out of it (50 runs).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EntryDeleter } from '../../src/disk/browseDelete.js';
import { DiskTree } from '../../src/disk/tree.js';
import { walk } from '../../src/disk/walk.js';
import {
  type BrowserEffect,
  type BrowserState,
  type BrowserView,
  handleKeyWithDeleter,
  initialBrowserState,
} from '../../src/render/browserModel.js';
import type { BrowserKey } from '../../src/render/keys.js';
import { removeTree, tempDir } from '../helpers/disk.js';
import { startSwapper, swapperBinary } from '../helpers/swapper.js';

let base: string;
beforeEach(() => {
  base = tempDir('browse-delete');
});
afterEach(() => removeTree(base));

async function scan(root: string): Promise<DiskTree> {
  const { raw } = await walk({
    roots: [root],
    oneFileSystem: false,
    excludes: [],
    skipDevs: [],
    keepDepth: -1,
    topFiles: 0,
    byApparent: false,
    threads: 2,
  });
  return new DiskTree(raw);
}

/** The browser as the CLI runs it: keys through the model; the question opening prepares, y removes. */
class Browser {
  state: BrowserState;
  readonly deleter: EntryDeleter;
  messages: string[] = [];
  constructor(private readonly tree: DiskTree) {
    const top = tree.roots()[0] as number;
    this.state = initialBrowserState(top, 'allocated');
    this.state = { ...this.state, sort: 'name', descending: false };
    this.deleter = new EntryDeleter(tree, top);
  }
  private view(): BrowserView {
    const t = this.tree;
    return {
      listing: (dir) =>
        [...t.children(dir)]
          .filter((c) => !t.isRemoved(c))
          .sort((a, b) => Buffer.compare(t.nameBytes(a), t.nameBytes(b))),
      parentOf: (e) => t.parentOf(e),
      isDir: (e) => t.isDir(e),
      enterable: () => true,
      pageRows: 20,
      readOnly: false,
    };
  }
  key(key: BrowserKey): BrowserEffect | undefined {
    const result = handleKeyWithDeleter(this.state, key, this.view(), this.deleter, (e) => this.tree.path(e));
    const refused = result.state.message?.startsWith('cannot delete ');
    this.state = result.state;
    if (refused) this.messages.push((result.state.message as string).replace(/^cannot delete [^:]*: /, ''));
    if (result.effect?.kind === 'delete') {
      const r = this.deleter.remove(result.effect.entry);
      this.messages.push(r.removed ? `removed ${r.files} files, ${r.directories} directories` : r.reason);
      if (r.removed) this.tree.remove(result.effect.entry);
    }
    return result.effect;
  }
  /** Select the child called `name` of the listed directory. */
  select(name: string): void {
    const listing = this.view().listing(this.state.dir, this.state);
    const at = listing.findIndex((e) => this.tree.name(e) === name);
    if (at < 0) throw new Error(`${name} is not listed`);
    this.state = { ...this.state, cursor: at };
  }
}

const char = (c: string): BrowserKey => ({ kind: 'char', char: c });

describe('d in hog disk -i', () => {
  it('removes the directory the question named, with what it holds, and says so', async () => {
    const root = join(base, 'root');
    mkdirSync(join(root, 'd', 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(root, 'd', 'sub', 'a'), 'a');
    writeFileSync(join(root, 'd', 'sub', 'deeper', 'b'), 'b');
    writeFileSync(join(root, 'keep'), 'k');
    const browser = new Browser(await scan(root));
    browser.select('d');
    browser.key({ kind: 'enter' });
    browser.select('sub');
    browser.key(char('d'));
    expect(browser.state.confirm).toBeDefined();
    expect(browser.key(char('y'))).toEqual({ kind: 'delete', entry: expect.any(Number) });
    expect(browser.messages).toEqual(['removed 2 files, 2 directories']);
    expect(readdirSync(join(root, 'd'))).toEqual([]);
    expect(readdirSync(root).sort()).toEqual(['d', 'keep']);
    browser.deleter.close();
  });

  it('refuses when the entry changed between the scan and the question, or between the question and y', async () => {
    const root = join(base, 'root');
    mkdirSync(join(root, 'd'), { recursive: true });
    mkdirSync(join(base, 'outside'));
    writeFileSync(join(base, 'outside', 'victim'), 'keep me');
    writeFileSync(join(root, 'd', 'victim'), 'mine');
    writeFileSync(join(root, 'f'), 'mine');
    const browser = new Browser(await scan(root));
    // d replaced by a symlink out of the root after the scan: the question does not even open
    rmSync(join(root, 'd'), { recursive: true });
    symlinkSync('../outside', join(root, 'd'));
    browser.select('d');
    browser.key(char('d'));
    expect(browser.state.confirm).toBeUndefined();
    expect(browser.messages).toEqual(['now a symlink: not followed']);
    // f replaced by another file while the question is open
    browser.select('f');
    browser.key(char('d'));
    expect(browser.state.confirm).toBeDefined();
    writeFileSync(join(root, 'f.new'), 'another');
    rmSync(join(root, 'f'));
    symlinkSync('f.new', join(root, 'f'));
    browser.key(char('y'));
    expect(browser.messages[1]).toBe('now a symlink: not followed');
    expect(readFileSync(join(base, 'outside', 'victim'), 'utf8')).toBe('keep me');
    expect(readFileSync(join(root, 'f.new'), 'utf8')).toBe('another');
    browser.deleter.close();
  });

  it('deletes nothing outside the root while a directory on the way swaps with a symlink (50 runs)', async (context) => {
    const swapper = swapperBinary(base);
    if ('skip' in swapper) {
      console.warn(`skipped: ${swapper.skip}`);
      return context.skip();
    }
    const outcomes = new Map<string, number>();
    for (let run = 0; run < 50; run++) {
      const dir = join(base, `run${run}`);
      const root = join(dir, 'root');
      const outside = join(dir, 'outside');
      for (const top of [join(root, 'd'), outside]) {
        mkdirSync(join(top, 'sub'), { recursive: true });
        for (const name of ['a', 'b', 'c'])
          writeFileSync(join(top, 'sub', name), top === outside ? 'victim' : 'x');
      }
      symlinkSync('../outside', join(root, 'link'));
      const browser = new Browser(await scan(root));
      browser.select('d');
      browser.key({ kind: 'enter' });
      browser.select('sub');
      const running = await startSwapper(swapper.path, join(root, 'd'), join(root, 'link'));
      try {
        browser.key(char('d'));
        if (browser.state.confirm) browser.key(char('y'));
      } finally {
        await running.stop();
        browser.deleter.close();
      }
      expect(readdirSync(join(outside, 'sub')).sort()).toEqual(['a', 'b', 'c']);
      for (const name of ['a', 'b', 'c'])
        expect(readFileSync(join(outside, 'sub', name), 'utf8')).toBe('victim');
      const said = browser.messages.join('; ');
      outcomes.set(said, (outcomes.get(said) ?? 0) + 1);
      if (said === 'removed 3 files, 1 directories') expect(readdirSync(join(root, 'd'))).toEqual([]);
    }
    console.log(`50 runs of d while swapping: ${JSON.stringify(Object.fromEntries(outcomes))}`);
  });
});
