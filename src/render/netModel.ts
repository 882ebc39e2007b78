/**
 * The state of the interactive `hog net` and how keys change it. Pure, like hog top's model:
 *   c p r i    group by connection, process, remote host, interface
 *   1 2 3      sort by the 2 s, 10 s, 40 s average;  t total;  n name
 *   /          filter (process name, PID, address or port);  Esc cancels
 *   b          bits/s <-> bytes/s;  a  show idle connections too;  space  pause
 *   arrows, PgUp/PgDn scroll;  q or Ctrl-C quit
 */
import type { GroupBy, NetSortKey } from '../net/netView.js';
import type { Key } from './keys.js';

export interface NetState {
  by: GroupBy;
  sort: NetSortKey;
  filter: string;
  /** Typing a filter: its text so far. */
  prompt: string | undefined;
  scroll: number;
  bytes: boolean;
  all: boolean;
  paused: boolean;
}

export type NetEffect = { kind: 'quit' } | { kind: 'redraw' };

export function initialNetState(options: Partial<NetState> = {}): NetState {
  return {
    by: 'connection',
    sort: '2s',
    filter: '',
    prompt: undefined,
    scroll: 0,
    bytes: false,
    all: false,
    paused: false,
    ...options,
  };
}

const GROUP_KEYS: Record<string, GroupBy> = { c: 'connection', p: 'process', r: 'remote', i: 'interface' };
const SORT_KEYS: Record<string, NetSortKey> = { '1': '2s', '2': '10s', '3': '40s', t: 'total', n: 'name' };

export function handleNetKey(
  state: NetState,
  key: Key,
  pageRows: number,
): { state: NetState; effect?: NetEffect } {
  const redraw = (next: NetState) => ({ state: next, effect: { kind: 'redraw' } as NetEffect });
  if (key.kind === 'interrupt') return { state, effect: { kind: 'quit' } };
  if (state.prompt !== undefined) {
    if (key.kind === 'escape') return redraw({ ...state, prompt: undefined });
    if (key.kind === 'enter')
      return redraw({ ...state, filter: state.prompt.trim(), prompt: undefined, scroll: 0 });
    if (key.kind === 'backspace') return redraw({ ...state, prompt: state.prompt.slice(0, -1) });
    // as in hog top's prompts: Ctrl-U clears, Ctrl-W deletes the last word
    if (key.kind === 'clearLine') return redraw({ ...state, prompt: '' });
    if (key.kind === 'deleteWord')
      return redraw({ ...state, prompt: state.prompt.replace(/\s+$/, '').replace(/\S+$/, '') });
    if (key.kind === 'char') return redraw({ ...state, prompt: state.prompt + key.char });
    return { state };
  }
  switch (key.kind) {
    case 'up':
      return redraw({ ...state, scroll: Math.max(0, state.scroll - 1) });
    case 'down':
      return redraw({ ...state, scroll: state.scroll + 1 });
    case 'pageUp':
      return redraw({ ...state, scroll: Math.max(0, state.scroll - pageRows) });
    case 'pageDown':
      return redraw({ ...state, scroll: state.scroll + pageRows });
    case 'char':
      break;
    default:
      return { state };
  }
  const c = key.char;
  if (c === 'q') return { state, effect: { kind: 'quit' } };
  const group = GROUP_KEYS[c];
  if (group) return redraw({ ...state, by: group, scroll: 0 });
  const sort = SORT_KEYS[c];
  if (sort) return redraw({ ...state, sort, scroll: 0 });
  if (c === '/') return redraw({ ...state, prompt: state.filter });
  if (c === 'b') return redraw({ ...state, bytes: !state.bytes });
  if (c === 'a') return redraw({ ...state, all: !state.all });
  if (c === ' ') return redraw({ ...state, paused: !state.paused });
  return { state };
}
