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

type BrowserResult = { state: BrowserState; effect?: BrowserEffect };

const REDRAW: BrowserEffect = { kind: 'redraw' };

export function handleBrowserKey(state: BrowserState, key: BrowserKey, view: BrowserView): BrowserResult {
  if (key.kind === 'interrupt') return { state, effect: { kind: 'quit' } };
  if (state.confirm) return answerConfirm(state, state.confirm.entry, key);
  if (state.help) return { state: { ...state, help: false }, effect: REDRAW };

  const listing = view.listing(state.dir, state);
  const at: Listed = {
    state,
    next: { ...state, message: undefined },
    listing,
    selected: listing[state.cursor],
    view,
  };
  const target = movedTo(key, state.cursor, view.pageRows, listing.length - 1);
  if (target !== undefined) return moveTo(at, target);
  return key.kind === 'char' ? handleLetter(at, key.char) : handleNamedKey(at, key);
}

/** The y/N question is open: y deletes, any other key cancels it. */
function answerConfirm(state: BrowserState, entry: number, key: BrowserKey): BrowserResult {
  if (key.kind === 'char' && (key.char === 'y' || key.char === 'Y'))
    return { state: { ...state, confirm: undefined }, effect: { kind: 'delete', entry } };
  return { state: { ...state, confirm: undefined, message: 'nothing deleted' }, effect: REDRAW };
}

/** A key pressed over a listing: the state before it, and after it with the last message cleared. */
interface Listed {
  state: BrowserState;
  next: BrowserState;
  listing: readonly number[];
  selected: number | undefined;
  view: BrowserView;
}

/** Enter, the arrows left and right, Backspace and Escape (the movement keys are movedTo's). */
function handleNamedKey(at: Listed, key: BrowserKey): BrowserResult {
  switch (key.kind) {
    case 'right':
    case 'enter':
      return openSelected(at);
    case 'left':
    case 'backspace':
      return goUp(at);
    case 'escape':
      return { state: { ...at.next, info: false }, effect: REDRAW };
    default:
      return { state: at.state };
  }
}

/** The letter keys, ncdu's. */
function handleLetter(at: Listed, char: string): BrowserResult {
  const { state, next } = at;
  switch (char) {
    case 'q':
      return { state, effect: { kind: 'quit' } };
    case 'k':
      return moveTo(at, state.cursor - 1);
    case 'j':
      return moveTo(at, state.cursor + 1);
    case 'l':
      return openSelected(at);
    case 'h':
    case '<':
      return goUp(at);
    case 's':
      return sortBy(at, 'size');
    case 'n':
      return sortBy(at, 'name');
    case 'M':
      return sortBy(at, 'mtime');
    case 'C':
      return sortBy(at, 'count');
    case 'a':
      return {
        state: { ...next, basis: state.basis === 'allocated' ? 'apparent' : 'allocated' },
        effect: REDRAW,
      };
    case 'i':
      return { state: { ...next, info: !state.info }, effect: REDRAW };
    case '?':
      return { state: { ...next, help: true }, effect: REDRAW };
    case 'd':
      return askDelete(at);
    default:
      return { state };
  }
}

function moveTo(at: Listed, cursor: number): BrowserResult {
  return { state: clampView({ ...at.next, cursor }, at.listing.length, at.view.pageRows), effect: REDRAW };
}

/** Sort by a field (the same field again: reverse), keeping the same entry selected in the new order. */
function sortBy({ state, next, selected, view }: Listed, sort: SortField): BrowserResult {
  const descending = state.sort === sort ? !state.descending : DEFAULT_DESCENDING[sort];
  const reordered = view.listing(state.dir, { ...state, sort, descending });
  const cursor = selected === undefined ? 0 : Math.max(0, reordered.indexOf(selected));
  return {
    state: clampView({ ...next, sort, descending, cursor }, reordered.length, view.pageRows),
    effect: REDRAW,
  };
}

/** Into the selected directory, if it is one hog scanned. */
function openSelected({ next, selected, view }: Listed): BrowserResult {
  if (selected === undefined || !view.isDir(selected)) return { state: next };
  if (!view.enterable(selected))
    return { state: { ...next, message: 'not scanned: unreadable, or another filesystem' }, effect: REDRAW };
  return { state: { ...next, dir: selected, cursor: 0, scroll: 0 }, effect: REDRAW };
}

/** Up to the parent directory, with the directory just left selected. */
function goUp({ state, next, view }: Listed): BrowserResult {
  const parent = view.parentOf(state.dir);
  if (parent < 0) return { state: next };
  const above = view.listing(parent, state);
  const cursor = Math.max(0, above.indexOf(state.dir));
  return {
    state: clampView({ ...next, dir: parent, cursor, scroll: 0 }, above.length, view.pageRows),
    effect: REDRAW,
  };
}

/** d: the y/N question about the selected entry, unless the scan was read from a file. */
function askDelete({ next, selected, view }: Listed): BrowserResult {
  if (view.readOnly)
    return {
      state: { ...next, message: 'this scan was read from a file: nothing to delete' },
      effect: REDRAW,
    };
  if (selected === undefined) return { state: next };
  return { state: { ...next, confirm: { entry: selected } }, effect: REDRAW };
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
): BrowserResult {
  const result = handleBrowserKey(state, key, view);
  const asked = result.state.confirm;
  if (asked === undefined || state.confirm !== undefined) return result;
  const why = deleter.prepare(asked.entry);
  if (why === undefined) return result;
  return {
    state: { ...result.state, confirm: undefined, message: `cannot delete ${pathOf(asked.entry)}: ${why}` },
    effect: REDRAW,
  };
}
