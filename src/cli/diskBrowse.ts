/**
 * The `hog disk -i` loop: draws frames of the browser, feeds keys to the pure model
 * (render/browserModel.ts) and performs its effects — deleting after the user confirmed, quitting.
 */

import { EntryDeleter } from '../disk/browseDelete.js';
import { categoryOf, kindOf } from '../disk/categories.js';
import { classifyTree } from '../disk/categoryReport.js';
import { FLAG_LINK_DUP, FLAG_OTHER_FS, FLAG_UNREADABLE } from '../disk/scanTypes.js';
import type { Basis, DiskTree } from '../disk/tree.js';
import { UsageError } from '../errors.js';
import {
  type BrowserState,
  type BrowserView,
  clampView,
  handleKeyWithDeleter,
  initialBrowserState,
  type SortField,
} from '../render/browserModel.js';
import { type BrowserFrameData, browserPageRows, renderBrowserFrame } from '../render/diskScreen.js';
import { decodeBrowserKeys } from '../render/keys.js';
import { formatBytes } from '../render/units.js';
import type { CliContext } from './context.js';
import { runLiveView } from './liveView.js';

function note(tree: DiskTree, i: number): string {
  const f = tree.flags(i);
  if (f & FLAG_OTHER_FS) return '<other filesystem>';
  if (f & FLAG_UNREADABLE) return '<unreadable>';
  if (f & FLAG_LINK_DUP) return '<hard link, counted elsewhere>';
  return '';
}

/** The browser's listings, sorted as the state asks, cached until something changes. */
class Listings {
  private cache = new Map<string, number[]>();
  constructor(private readonly tree: DiskTree) {}

  get(dir: number, s: { sort: SortField; descending: boolean; basis: Basis }): number[] {
    const key = `${dir}:${s.sort}:${s.descending}:${s.basis}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const t = this.tree;
    const children = [...t.children(dir)].filter((c) => !t.isRemoved(c));
    const by: Record<SortField, (a: number, b: number) => number> = {
      size: (a, b) => t.bytes(a, s.basis) - t.bytes(b, s.basis),
      name: (a, b) => Buffer.compare(t.nameBytes(a), t.nameBytes(b)),
      mtime: (a, b) => t.newest(a) - t.newest(b),
      count: (a, b) => t.files(a) - t.files(b),
    };
    const byName = by.name;
    const sign = s.descending ? -1 : 1;
    children.sort((a, b) => sign * by[s.sort](a, b) || byName(a, b));
    this.cache.set(key, children);
    return children;
  }

  clear(): void {
    this.cache.clear();
  }
}

export async function browse(
  tree: DiskTree,
  options: { basis: Basis; readOnly: boolean; now: number },
  context: Pick<CliContext, 'terminal' | 'clock'>,
): Promise<void> {
  const { terminal } = context;
  if (!terminal.outputIsTTY || !terminal.inputIsTTY) {
    throw new UsageError('hog disk -i needs a terminal', {
      hint: 'without -i, hog disk prints the report as text or --json',
    });
  }
  const top = tree.roots()[0];
  if (top === undefined || !tree.isDir(top))
    throw new UsageError('hog disk -i browses a directory; this scan has none');
  const rules = classifyTree(tree);
  const listings = new Listings(tree);
  let state: BrowserState = initialBrowserState(top, options.basis);
  const view = (height: number): BrowserView => ({
    listing: (dir, s) => listings.get(dir, s),
    parentOf: (e) => tree.parentOf(e),
    isDir: (e) => tree.isDir(e),
    enterable: (e) =>
      (tree.flags(e) & (FLAG_OTHER_FS | FLAG_UNREADABLE)) === 0 || tree.children(e).length > 0,
    pageRows: browserPageRows(height, state.info),
    readOnly: options.readOnly,
  });
  // d: the entry is looked up by descriptor when the question opens, and removed by descriptor on y
  const deleter = new EntryDeleter(tree, top);
  await runLiveView(terminal, context.clock, {
    decode: decodeBrowserKeys,
    render: ({ width, height }) => {
      state = clampView(state, listings.get(state.dir, state).length, browserPageRows(height, state.info));
      const data = browserFrameData(tree, rules, listings, state, height, options);
      return renderBrowserFrame(state, data, width, height);
    },
    key: (key, live) => {
      const result = handleKeyWithDeleter(state, key, view(live.size().height), deleter, (e) => tree.path(e));
      state = result.state;
      if (result.effect?.kind === 'delete')
        state = { ...state, message: removeEntry(tree, deleter, listings, result.effect.entry) };
      return result.effect?.kind === 'quit' ? 'quit' : result.effect && 'draw';
    },
    close: () => deleter.close(),
  });
}

/** What the browser frame shows for this state: the rows in view, the selected entry, the question. */
function browserFrameData(
  tree: DiskTree,
  rules: ArrayLike<number>,
  listings: Listings,
  state: BrowserState,
  height: number,
  options: { readOnly: boolean; now: number },
): BrowserFrameData {
  const listing = listings.get(state.dir, state);
  const visible = listing.slice(state.scroll, state.scroll + browserPageRows(height, state.info));
  const selected = listing[state.cursor];
  const totals = tree.totals();
  return {
    path: tree.path(state.dir),
    dirBytes: tree.bytes(state.dir, state.basis),
    rowCount: listing.length,
    rows: visible.map((i) => ({
      name: tree.name(i),
      isDir: tree.isDir(i),
      bytes: tree.counted(i) ? tree.bytes(i, state.basis) : tree.ownBytes(i, state.basis),
      files: tree.files(i),
      newest: tree.newest(i),
      category: categoryOf(rules[i] as number),
      note: note(tree, i),
    })),
    totals: {
      allocatedBytes: totals.allocatedBytes,
      apparentBytes: totals.apparentBytes,
      files: totals.files,
    },
    info:
      selected === undefined
        ? undefined
        : {
            path: tree.path(selected),
            type: tree.type(selected),
            allocatedBytes: tree.bytes(selected, 'allocated'),
            apparentBytes: tree.bytes(selected, 'apparent'),
            files: tree.files(selected),
            newest: tree.newest(selected),
            kind: `${categoryOf(rules[selected] as number)} (${kindOf(rules[selected] as number)})`,
            note: note(tree, selected),
          },
    confirm:
      state.confirm === undefined
        ? undefined
        : {
            path: tree.path(state.confirm.entry),
            bytes: tree.bytes(state.confirm.entry, state.basis),
            files: tree.files(state.confirm.entry),
            isDir: tree.isDir(state.confirm.entry),
          },
    readOnly: options.readOnly,
    now: options.now,
  };
}

/** Remove an entry the user confirmed (by descriptor, through the deleter); the message to show. */
function removeEntry(tree: DiskTree, deleter: EntryDeleter, listings: Listings, entry: number): string {
  const r = deleter.remove(entry);
  const counts =
    r.directories === 0 && r.files === 1
      ? ''
      : `${r.files} ${r.files === 1 ? 'file' : 'files'}, ${r.directories} ${r.directories === 1 ? 'directory' : 'directories'}, `;
  const what = `${counts}${formatBytes(r.bytes)} freed`;
  if (r.removed) {
    tree.remove(entry);
    listings.clear();
    return `deleted ${tree.path(entry)}: ${what}`;
  }
  return r.files + r.directories > 0
    ? `partly deleted ${tree.path(entry)} (${what}): ${r.reason}`
    : `nothing deleted: ${tree.path(entry)}: ${r.reason}`;
}
