/**
 * Keys from a terminal in raw mode, decoded from the bytes xterm/VT100-style terminals send: the one
 * place live views (hog top, hog net, hog disk -i) read their keyboard through. The models that react to
 * them are topModel.ts, netModel.ts and browserModel.ts.
 */

export type Key =
  | { kind: 'char'; char: string }
  | { kind: 'enter' }
  | { kind: 'backspace' }
  | { kind: 'escape' }
  | { kind: 'up' }
  | { kind: 'down' }
  | { kind: 'pageUp' }
  | { kind: 'pageDown' }
  | { kind: 'home' }
  | { kind: 'end' }
  /** Ctrl-U */
  | { kind: 'clearLine' }
  /** Ctrl-W */
  | { kind: 'deleteWord' }
  | { kind: 'interrupt' };

/** hog disk -i reads ← and → too (ncdu's way through the tree); top and net leave them undecoded. */
export type BrowserKey = Key | { kind: 'left' } | { kind: 'right' } | { kind: 'home' } | { kind: 'end' };

/**
 * Where a movement key moves a position in a list (hog top's scroll, hog disk -i's cursor): one row up
 * or down, a page, the first or the last position. Undefined for every other key. The caller clamps.
 */
export function movedTo(key: BrowserKey, at: number, pageRows: number, last: number): number | undefined {
  switch (key.kind) {
    case 'up':
      return at - 1;
    case 'down':
      return at + 1;
    case 'pageUp':
      return at - pageRows;
    case 'pageDown':
      return at + pageRows;
    case 'home':
      return 0;
    case 'end':
      return last;
    default:
      return undefined;
  }
}

/** Decode raw terminal input into keys (xterm/VT100 sequences). */
export function decodeKeys(input: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    const rest = input.slice(i);
    const sequences: [string, Key][] = [
      ['\x1b[A', { kind: 'up' }],
      ['\x1bOA', { kind: 'up' }],
      ['\x1b[B', { kind: 'down' }],
      ['\x1bOB', { kind: 'down' }],
      ['\x1b[5~', { kind: 'pageUp' }],
      ['\x1b[6~', { kind: 'pageDown' }],
      // Home and End as xterm (CSI H/F, SS3 H/F), the VT220 keypad (1~/4~, tmux's) and rxvt (7~/8~) send them
      ['\x1b[H', { kind: 'home' }],
      ['\x1bOH', { kind: 'home' }],
      ['\x1b[1~', { kind: 'home' }],
      ['\x1b[7~', { kind: 'home' }],
      ['\x1b[F', { kind: 'end' }],
      ['\x1bOF', { kind: 'end' }],
      ['\x1b[4~', { kind: 'end' }],
      ['\x1b[8~', { kind: 'end' }],
    ];
    const match = sequences.find(([seq]) => rest.startsWith(seq));
    if (match) {
      keys.push(match[1]);
      i += match[0].length;
      continue;
    }
    const ch = input[i] as string;
    if (ch === '\x1b') {
      // a lone Escape, or an unknown sequence: skip the sequence
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape sequences
      const csi = /^\x1b\[[0-9;]*[A-Za-z~]/.exec(rest);
      if (csi) i += csi[0].length;
      else {
        keys.push({ kind: 'escape' });
        i++;
      }
      continue;
    }
    if (ch === '\r' || ch === '\n') keys.push({ kind: 'enter' });
    else if (ch === '\x7f' || ch === '\b') keys.push({ kind: 'backspace' });
    else if (ch === '\x03') keys.push({ kind: 'interrupt' });
    else if (ch === '\x15') keys.push({ kind: 'clearLine' });
    else if (ch === '\x17') keys.push({ kind: 'deleteWord' });
    else if (ch >= ' ') keys.push({ kind: 'char', char: ch });
    i++;
  }
  return keys;
}

/** Decode raw terminal input: top's keys plus ← → Home End. */
export function decodeBrowserKeys(input: string): BrowserKey[] {
  const keys: BrowserKey[] = [];
  const extra: [string, BrowserKey][] = [
    ['\x1b[D', { kind: 'left' }],
    ['\x1bOD', { kind: 'left' }],
    ['\x1b[C', { kind: 'right' }],
    ['\x1bOC', { kind: 'right' }],
    ['\x1b[H', { kind: 'home' }],
    ['\x1b[1~', { kind: 'home' }],
    ['\x1bOH', { kind: 'home' }],
    ['\x1b[F', { kind: 'end' }],
    ['\x1b[4~', { kind: 'end' }],
    ['\x1bOF', { kind: 'end' }],
  ];
  let rest = input;
  while (rest.length > 0) {
    const match = extra.find(([seq]) => rest.startsWith(seq));
    if (match) {
      keys.push(match[1]);
      rest = rest.slice(match[0].length);
      continue;
    }
    // hand everything up to the next sequence we know to top's decoder
    let end = 1;
    while (end < rest.length && !extra.some(([seq]) => rest.startsWith(seq, end))) end++;
    for (const key of decodeKeys(rest.slice(0, end))) keys.push(key);
    rest = rest.slice(end);
  }
  return keys;
}
