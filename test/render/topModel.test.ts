import { describe, expect, it } from 'vitest';
import { GrowthTracker } from '../../src/memory/growth.js';
import { decodeKeys, type Key } from '../../src/render/keys.js';
import {
  handleKey,
  initialTopState,
  parseSignal,
  promptText,
  type TopState,
} from '../../src/render/topModel.js';

/** The table the user sees: two processes, with their start times when the rows were read. */
const ROWS = [
  { pid: 42, startTimeTicks: 1000, name: 'node' },
  { pid: 7, startTimeTicks: 77, name: 'sleep' },
];
const ctx = {
  firstPid: 42,
  pageRows: 10,
  rowCount: 30,
  lookup: (pid: number) => ROWS.find((r) => r.pid === pid),
};
const char = (c: string): Key => ({ kind: 'char', char: c });

function press(state: TopState, ...keys: Key[]) {
  let effect: ReturnType<typeof handleKey>['effect'];
  for (const key of keys) ({ state, effect } = handleKey(state, key, ctx));
  return { state, effect };
}

describe('hog top keys', () => {
  it('M, P and N change the sort; T toggles the tree', () => {
    const s = initialTopState();
    expect(press(s, char('P')).state.sort).toBe('cpu');
    expect(press(s, char('P'), char('M')).state.sort).toBe('mem');
    expect(press(s, char('N')).state.sort).toBe('pid');
    expect(press(s, char('T')).state.tree).toBe(true);
    expect(press(s, char('T'), char('T')).state.tree).toBe(false);
  });

  it('q and Ctrl-C quit', () => {
    expect(press(initialTopState(), char('q')).effect).toEqual({ kind: 'quit' });
    expect(press(initialTopState(), { kind: 'interrupt' }).effect).toEqual({ kind: 'quit' });
  });

  it('/ edits a filter; Enter applies; Esc cancels', () => {
    const typed = press(
      initialTopState(),
      char('/'),
      char('n'),
      char('o'),
      char('x'),
      { kind: 'backspace' },
      char('d'),
    );
    expect(typed.state.prompt).toEqual({ kind: 'filter', text: 'nod' });
    expect(press(typed.state, { kind: 'enter' }).state.filter).toBe('nod');
    expect(press(typed.state, { kind: 'escape' }).state.filter).toBe('');
  });

  it('k asks PID (default: first row), then signal (default TERM), then confirmation', () => {
    const s = press(initialTopState(), char('k'), { kind: 'enter' }, { kind: 'enter' });
    const target = { pid: 42, startTimeTicks: 1000, name: 'node' };
    expect(s.state.prompt).toEqual({ kind: 'killConfirm', target, signal: 'TERM' });
    expect(promptText(s.state.prompt as NonNullable<TopState['prompt']>)).toBe(
      'Really send SIGTERM to PID 42 (node)? [y/N] ',
    );
    expect(press(s.state, char('y')).effect).toEqual({ kind: 'kill', target, signal: 'TERM' });
    const declined = press(s.state, char('n'));
    expect(declined.effect).toEqual({ kind: 'redraw' });
    expect(declined.state.message).toBe('kill cancelled');
  });

  it('k with a typed PID and signal 9', () => {
    const s = press(
      initialTopState(),
      char('k'),
      char('7'),
      { kind: 'enter' },
      char('9'),
      { kind: 'enter' },
      char('y'),
    );
    expect(s.effect).toEqual({
      kind: 'kill',
      target: { pid: 7, startTimeTicks: 77, name: 'sleep' },
      signal: 'KILL',
    });
  });

  it('k refuses a PID that is not in the table and an unknown signal', () => {
    expect(press(initialTopState(), char('k'), char('5'), { kind: 'enter' }).state.message).toBe(
      'no process 5 in the table',
    );
    const bad = press(initialTopState(), char('k'), { kind: 'enter' }, char('X'), { kind: 'enter' });
    expect(bad.state.message).toMatch(/unknown signal X/);
    expect(bad.state.prompt).toBeUndefined();
  });

  it('arrows and pages scroll, never above the top', () => {
    expect(press(initialTopState(), { kind: 'down' }, { kind: 'down' }).state.scroll).toBe(2);
    expect(press(initialTopState(), { kind: 'up' }).state.scroll).toBe(0);
    expect(press(initialTopState(), { kind: 'pageDown' }).state.scroll).toBe(10);
  });
});

describe('decodeKeys', () => {
  it('reads letters, Enter, Backspace, Ctrl-C, Esc and arrow sequences', () => {
    expect(decodeKeys('Mq\r\x7f\x03')).toEqual([
      char('M'),
      char('q'),
      { kind: 'enter' },
      { kind: 'backspace' },
      { kind: 'interrupt' },
    ]);
    expect(decodeKeys('\x1b[A\x1b[B\x1b[5~\x1b[6~\x1bOA')).toEqual([
      { kind: 'up' },
      { kind: 'down' },
      { kind: 'pageUp' },
      { kind: 'pageDown' },
      { kind: 'up' },
    ]);
    expect(decodeKeys('\x1b')).toEqual([{ kind: 'escape' }]);
    expect(decodeKeys('\x1b[1;5Cq')).toEqual([char('q')]);
  });
});

describe('parseSignal', () => {
  it('accepts names with or without SIG, and numbers', () => {
    expect(parseSignal('sigkill')).toBe('KILL');
    expect(parseSignal('15')).toBe('TERM');
    expect(parseSignal('hup')).toBe('HUP');
    expect(parseSignal('SEGV')).toBeUndefined();
  });
});

describe('GrowthTracker', () => {
  it('gives RES change per minute since first seen, restarting for a reused PID', () => {
    const g = new GrowthTracker();
    g.update([{ pid: 1, startTimeTicks: 5, resBytes: 100 * 1024 * 1024 }], 0);
    expect(g.perMinute(1)).toBeUndefined();
    g.update([{ pid: 1, startTimeTicks: 5, resBytes: 130 * 1024 * 1024 }], 30_000);
    expect(g.perMinute(1)).toBe(60 * 1024 * 1024);
    g.update([{ pid: 1, startTimeTicks: 99, resBytes: 1 }], 60_000);
    expect(g.perMinute(1)).toBeUndefined();
    g.update([], 90_000);
    expect(g.watchedMs(1, 90_000)).toBe(0);
  });
});

describe('hog top editing and jumping keys', () => {
  it('Ctrl-U clears the prompt text (the old filter included), Ctrl-W deletes the last word', () => {
    const filtered = { ...initialTopState(), filter: 'python3 worker' };
    const opened = press(filtered, char('/')).state;
    expect(opened.prompt).toEqual({ kind: 'filter', text: 'python3 worker' });
    expect(press(opened, { kind: 'deleteWord' }).state.prompt).toEqual({ kind: 'filter', text: 'python3 ' });
    const cleared = press(opened, { kind: 'clearLine' }).state;
    expect(cleared.prompt).toEqual({ kind: 'filter', text: '' });
    expect(press(cleared, { kind: 'enter' }).state.filter).toBe('');
    const killPid = press(initialTopState(), char('k'), char('4'), char('2'), { kind: 'clearLine' }).state;
    expect(killPid.prompt).toEqual({ kind: 'killPid', text: '', defaultPid: 42 });
  });

  it('Home and End jump to the first and last page; scrolling stops at the last page', () => {
    // 30 rows, 10 a page: the last page starts at row 20
    expect(press(initialTopState(), { kind: 'end' }).state.scroll).toBe(20);
    expect(press(initialTopState(), { kind: 'end' }, { kind: 'down' }).state.scroll).toBe(20);
    expect(press(initialTopState(), { kind: 'end' }, { kind: 'up' }).state.scroll).toBe(19);
    expect(
      press(initialTopState(), { kind: 'pageDown' }, { kind: 'pageDown' }, { kind: 'pageDown' }).state.scroll,
    ).toBe(20);
    expect(press(initialTopState(), { kind: 'end' }, { kind: 'home' }).state.scroll).toBe(0);
  });

  it('c switches COMMAND between the program name and the full command line', () => {
    expect(press(initialTopState(), char('c')).state.fullCommand).toBe(true);
    expect(press(initialTopState(), char('c'), char('c')).state.fullCommand).toBe(false);
  });

  it('decodes Home, End, Ctrl-U and Ctrl-W as xterm, tmux and rxvt send them', () => {
    for (const home of ['\x1b[H', '\x1bOH', '\x1b[1~', '\x1b[7~'])
      expect(decodeKeys(home)).toEqual([{ kind: 'home' }]);
    for (const end of ['\x1b[F', '\x1bOF', '\x1b[4~', '\x1b[8~'])
      expect(decodeKeys(end)).toEqual([{ kind: 'end' }]);
    expect(decodeKeys('a\x15b\x17')).toEqual([
      char('a'),
      { kind: 'clearLine' },
      char('b'),
      { kind: 'deleteWord' },
    ]);
  });
});
