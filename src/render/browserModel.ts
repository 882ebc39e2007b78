/**
 * The state of `hog disk -i` and how keys change it, as ncdu users expect:
 *   ↑/↓ (k/j), PgUp/PgDn, Home/End move; → / Enter / l open a directory; ← / h / Backspace go up;
 *   s sort by size, n by name, M by modification time, C by file count (again: reverse);
 *   a apparent size ⇄ disk usage; i details of the selected entry; d delete (asks y/N); ? help; q quit.
 * Pure: a key, a state and a view of the tree in, a new state and at most one effect out. The loop in
 * cli/diskBrowse.ts performs the effects (deleting, quitting). It sits in render/ with the frame it
 * draws: which key does what is the terminal interface, not the disk analysis.
 */
import type { Basis } from '../disk/tree.js';
import { type BrowserKey, movedTo } from './keys.js';

export type SortField = 'size' | 'name' | 'mtime' | 'count';

export interface BrowserState {
  /** The directory being listed. */
  dir: number;
  /** Position of the selected row in the listing. */
  cursor: number;
  /** First row shown. */
  scroll: number;
  sort: SortField;
  descending: boolean;
  basis: Basis;
  /** Show details of the selected entry. */
  info: boolean;
  help: boolean;
  confirm: { entry: number } | undefined;
  message: string | undefined;
}

export type BrowserEffect = { kind: 'quit' } | { kind: 'delete'; entry: number } | { kind: 'redraw' };

/** What the model needs to know of the tree. */
export interface BrowserView {
  listing(dir: number, state: Pick<BrowserState, 'sort' | 'descending' | 'basis'>): readonly number[];
  parentOf(entry: number): number;
  isDir(entry: number): boolean;
  /** An entry hog may not enter (on another filesystem, unreadable). */
  enterable(entry: number): boolean;
  /** Rows that fit on the screen. */
  pageRows: number;
  /** Deleting is off for a scan read from a file. */
  readOnly: boolean;
}

export const initialBrowserState = (dir: number, basis: Basis): BrowserState => ({
  dir,
  cursor: 0,
  scroll: 0,
  sort: 'size',
  descending: true,
  basis,
  info: false,
  help: false,
  confirm: undefined,
  message: undefined,
});

/** Keep the cursor inside the listing and on screen. */
export function clampView(state: BrowserState, rows: number, pageRows: number): BrowserState {
  const cursor = Math.max(0, Math.min(state.cursor, rows - 1));
  let scroll = Math.min(state.scroll, cursor);
  if (cursor >= scroll + pageRows) scroll = cursor - pageRows + 1;
  scroll = Math.max(0, Math.min(scroll, Math.max(0, rows - pageRows)));
  return cursor === state.cursor && scroll === state.scroll ? state : { ...state, cursor, scroll };
}

const DEFAULT_DESCENDING: Record<SortField, boolean> = { size: true, name: false, mtime: true, count: true };

export function handleBrowserKey(
  state: BrowserState,
  key: BrowserKey,
  view: BrowserView,
): { state: BrowserState; effect?: BrowserEffect } {
  const redraw: BrowserEffect = { kind: 'redraw' };
  if (key.kind === 'interrupt') return { state, effect: { kind: 'quit' } };
  if (state.confirm) {
    if (key.kind === 'char' && (key.char === 'y' || key.char === 'Y')) {
      return {
        state: { ...state, confirm: undefined },
        effect: { kind: 'delete', entry: state.confirm.entry },
      };
    }
    return { state: { ...state, confirm: undefined, message: 'nothing deleted' }, effect: redraw };
  }
  if (state.help) return { state: { ...state, help: false }, effect: redraw };

  const listing = view.listing(state.dir, state);
  const selected = listing[state.cursor];
  const next = { ...state, message: undefined };
  const move = (cursor: number) => ({
    state: clampView({ ...next, cursor }, listing.length, view.pageRows),
    effect: redraw,
  });
  const sortBy = (sort: SortField) => {
    const descending = state.sort === sort ? !state.descending : DEFAULT_DESCENDING[sort];
    // keep the same entry selected in the new order
    const reordered = view.listing(state.dir, { ...state, sort, descending });
    const cursor = selected === undefined ? 0 : Math.max(0, reordered.indexOf(selected));
    return {
      state: clampView({ ...next, sort, descending, cursor }, reordered.length, view.pageRows),
      effect: redraw,
    };
  };
  const open = () => {
    if (selected === undefined || !view.isDir(selected)) return { state: next };
    if (!view.enterable(selected))
      return {
        state: { ...next, message: 'not scanned: unreadable, or another filesystem' },
        effect: redraw,
      };
    return { state: { ...next, dir: selected, cursor: 0, scroll: 0 }, effect: redraw };
  };
  const up = () => {
    const parent = view.parentOf(state.dir);
    if (parent < 0) return { state: next };
    const above = view.listing(parent, state);
    const cursor = Math.max(0, above.indexOf(state.dir));
    return {
      state: clampView({ ...next, dir: parent, cursor, scroll: 0 }, above.length, view.pageRows),
      effect: redraw,
    };
  };

  const target = movedTo(key, state.cursor, view.pageRows, listing.length - 1);
  if (target !== undefined) return move(target);
  switch (key.kind) {
    case 'right':
    case 'enter':
      return open();
    case 'left':
    case 'backspace':
      return up();
    case 'escape':
      return { state: { ...next, info: false }, effect: redraw };
    case 'char':
      break;
    default:
      return { state };
  }
  switch (key.char) {
    case 'q':
      return { state, effect: { kind: 'quit' } };
    case 'k':
      return move(state.cursor - 1);
    case 'j':
      return move(state.cursor + 1);
    case 'l':
      return open();
    case 'h':
    case '<':
      return up();
    case 's':
      return sortBy('size');
    case 'n':
      return sortBy('name');
    case 'M':
      return sortBy('mtime');
    case 'C':
      return sortBy('count');
    case 'a':
      return {
        state: { ...next, basis: state.basis === 'allocated' ? 'apparent' : 'allocated' },
        effect: redraw,
      };
    case 'i':
      return { state: { ...next, info: !state.info }, effect: redraw };
    case '?':
      return { state: { ...next, help: true }, effect: redraw };
    case 'd':
      if (view.readOnly)
        return {
          state: { ...next, message: 'this scan was read from a file: nothing to delete' },
          effect: redraw,
        };
      if (selected === undefined) return { state: next };
      return { state: { ...next, confirm: { entry: selected } }, effect: redraw };
    default:
      return { state };
  }
}

/**
 * One key through the browser's model, with the deleter's first look: when the key opens the y/N
 * question, the entry is looked up (prepare) and the question is replaced by why not, if it cannot be
 * deleted. The loop in cli/diskBrowse.ts performs the effects.
 */
export function handleKeyWithDeleter(
  state: BrowserState,
  key: BrowserKey,
  view: BrowserView,
  /** disk/browseDelete.ts's EntryDeleter: why the entry cannot be deleted, if so. */
  deleter: { prepare(entry: number): string | undefined },
  pathOf: (entry: number) => string,
): { state: BrowserState; effect?: BrowserEffect } {
  const result = handleBrowserKey(state, key, view);
  const asked = result.state.confirm;
  if (asked === undefined || state.confirm !== undefined) return result;
  const why = deleter.prepare(asked.entry);
  if (why === undefined) return result;
  return {
    state: { ...result.state, confirm: undefined, message: `cannot delete ${pathOf(asked.entry)}: ${why}` },
    effect: { kind: 'redraw' },
  };
}
