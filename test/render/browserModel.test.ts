import { describe, expect, it } from 'vitest';
import {
  type BrowserState,
  type BrowserView,
  handleBrowserKey,
  initialBrowserState,
} from '../../src/render/browserModel.js';
import { type BrowserFrameData, renderBrowserFrame } from '../../src/render/diskScreen.js';
import { decodeBrowserKeys } from '../../src/render/keys.js';

// a tiny tree: 0 = root with children 1 (dir "big", with child 3), 2 (file "a"), 4 (file "z")
const sizes: Record<number, number> = { 1: 500, 2: 100, 3: 400, 4: 300 };
const names: Record<number, string> = { 1: 'big', 2: 'a', 3: 'inner', 4: 'z' };
const children: Record<number, number[]> = { 0: [1, 2, 4], 1: [3] };
const parents: Record<number, number> = { 0: -1, 1: 0, 2: 0, 3: 1, 4: 0 };

const view = (extra: Partial<BrowserView> = {}): BrowserView => ({
  listing: (dir, s) => {
    const list = [...(children[dir] ?? [])];
    const by =
      s.sort === 'name'
        ? (a: number, b: number) => (names[a] as string).localeCompare(names[b] as string)
        : (a: number, b: number) => (sizes[a] as number) - (sizes[b] as number);
    return list.sort((a, b) => (s.descending ? -1 : 1) * by(a, b));
  },
  parentOf: (e) => parents[e] as number,
  isDir: (e) => e in children,
  enterable: () => true,
  pageRows: 10,
  readOnly: false,
  ...extra,
});

const press = (state: BrowserState, text: string, v = view()) => {
  let s = state;
  const effects: string[] = [];
  for (const key of decodeBrowserKeys(text)) {
    const r = handleBrowserKey(s, key, v);
    s = r.state;
    if (r.effect) effects.push(r.effect.kind === 'delete' ? `delete ${r.effect.entry}` : r.effect.kind);
  }
  return { state: s, effects };
};

describe('hog disk -i keys', () => {
  it('sorts by size first; n, s, M, C change the sort, the same key again reverses it', () => {
    const s0 = initialBrowserState(0, 'allocated');
    expect(view().listing(0, s0)).toEqual([1, 4, 2]);
    const byName = press(s0, 'n').state;
    expect(byName).toMatchObject({ sort: 'name', descending: false });
    expect(press(byName, 'n').state.descending).toBe(true);
    expect(press(s0, 's').state).toMatchObject({ sort: 'size', descending: false });
    expect(press(s0, 'M').state.sort).toBe('mtime');
    expect(press(s0, 'C').state.sort).toBe('count');
  });

  it('keeps the selected entry selected when the order changes', () => {
    const onZ = press(initialBrowserState(0, 'allocated'), '\x1b[B').state; // down: z (300)
    expect(onZ.cursor).toBe(1);
    const byName = press(onZ, 'n').state; // a, big, z
    expect(byName.cursor).toBe(2);
  });

  it('opens a directory with Enter or →, goes back with ← and lands on the directory it came from', () => {
    const s0 = { ...initialBrowserState(0, 'allocated'), sort: 'name' as const, descending: false };
    const onBig = press(s0, 'j').state; // a, [big], z
    const inside = press(onBig, '\r').state;
    expect(inside).toMatchObject({ dir: 1, cursor: 0 });
    expect(press(onBig, '\x1b[C').state.dir).toBe(1);
    const back = press(inside, '\x1b[D').state;
    expect(back).toMatchObject({ dir: 0, cursor: 1 });
    expect(press(s0, '\r').state.dir).toBe(0); // "a" is a file: nothing to open
  });

  it('moves within bounds: up at the top, down past the end, Home, End', () => {
    const s0 = initialBrowserState(0, 'allocated');
    expect(press(s0, 'k').state.cursor).toBe(0);
    expect(press(s0, 'jjjjjj').state.cursor).toBe(2);
    expect(press(s0, '\x1b[F').state.cursor).toBe(2);
    expect(press(press(s0, '\x1b[F').state, '\x1b[H').state.cursor).toBe(0);
  });

  it('d asks, y deletes (an effect for the loop), anything else cancels', () => {
    const s0 = initialBrowserState(0, 'allocated');
    const asked = press(s0, 'd');
    expect(asked.state.confirm).toEqual({ entry: 1 });
    expect(press(asked.state, 'y').effects).toEqual(['delete 1']);
    const cancelled = press(asked.state, 'n');
    expect(cancelled.effects).toEqual(['redraw']);
    expect(cancelled.state).toMatchObject({ confirm: undefined, message: 'nothing deleted' });
    expect(press(s0, 'd', view({ readOnly: true })).state.message).toMatch(/read from a file/);
  });

  it('a toggles apparent size, i details, ? help, q and Ctrl-C quit', () => {
    const s0 = initialBrowserState(0, 'allocated');
    expect(press(s0, 'a').state.basis).toBe('apparent');
    expect(press(s0, 'i').state.info).toBe(true);
    expect(press(s0, '?').state.help).toBe(true);
    expect(press(s0, 'q').effects).toEqual(['quit']);
    expect(press(s0, '\x03').effects).toEqual(['quit']);
  });
});

describe('the browser frame', () => {
  const data = (rows: number): BrowserFrameData => ({
    path: '/srv/data',
    dirBytes: 1000 * rows,
    rowCount: rows,
    rows: Array.from({ length: rows }, (_, k) => ({
      name: `entry-${k}-with-a-rather-long-name-${'x'.repeat(40)}`,
      isDir: k % 2 === 0,
      bytes: 1000,
      files: 12,
      newest: 1_700_000_000,
      category: 'logs',
      note: '',
    })),
    totals: { allocatedBytes: 5e9, apparentBytes: 4e9, files: 1234 },
    info: undefined,
    confirm: undefined,
    readOnly: false,
    now: 1_700_000_000_000 + 3_600_000,
  });

  it('never exceeds the terminal, at any size', () => {
    for (const [w, h] of [
      [80, 24],
      [40, 10],
      [132, 50],
      [20, 5],
    ] as const) {
      const lines = renderBrowserFrame(initialBrowserState(0, 'allocated'), data(100), w, h);
      expect(lines.length).toBeLessThanOrEqual(h);
      expect(lines.every((l) => l.length <= w)).toBe(true);
    }
  });

  it('marks the selected row, shows the bar, the share and the totals', () => {
    const lines = renderBrowserFrame({ ...initialBrowserState(0, 'allocated'), cursor: 1 }, data(3), 100, 12);
    expect(lines[0]).toBe('hog disk -i  /srv/data  2.9 KiB');
    expect(lines[3]).toMatch(/^> {5}1000 B\s+33\.3% \[### {7}\] logs\s+1h\s+entry-1/);
    expect(lines[lines.length - 1]).toBe(
      'Total disk usage: 4.7 GiB  Apparent size: 3.7 GiB  Files: 1,234  (3 entries here)',
    );
  });

  it('asks before deleting, naming what and how much', () => {
    const d = {
      ...data(3),
      confirm: { path: '/srv/data/old', bytes: 2 * 1024 ** 3, files: 40, isDir: true },
    };
    const lines = renderBrowserFrame(initialBrowserState(0, 'allocated'), d, 120, 12);
    expect(lines[lines.length - 2]).toBe(
      'Delete /srv/data/old/ and everything in it (40 files), 2.0 GiB? [y/N] ',
    );
  });
});
