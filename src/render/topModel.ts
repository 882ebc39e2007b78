/**
 * The state of the interactive `hog top` and how keys change it, as top users expect:
 *   M sort by memory, P by CPU, N by PID, T tree, c program name / full command line, / filter,
 *   k kill (PID, then signal, then confirm), ↑/↓/PgUp/PgDn scroll, Home/End jump to the first/last
 *   row, q or Ctrl-C quit; in a prompt Ctrl-U clears the text (readline's kill to the start, the
 *   cursor being at the end), Ctrl-W deletes the last word, Esc cancels.
 * Pure: a key and a state in, a new state and at most one effect out. The loop (cli/top.ts) performs
 * the effects.
 */
import type { SortKey } from '../memory/processView.js';
import type { ProcessIdentity } from '../memory/signalProcess.js';
import { type Key, movedTo } from './keys.js';

export type Prompt =
  | { kind: 'filter'; text: string }
  | { kind: 'killPid'; text: string; defaultPid: number | undefined }
  | { kind: 'killSignal'; text: string; target: ProcessIdentity }
  | { kind: 'killConfirm'; target: ProcessIdentity; signal: string };

export interface TopState {
  sort: SortKey;
  tree: boolean;
  /** The whole command line in COMMAND (top's c), rather than the program name and short arguments. */
  fullCommand: boolean;
  filter: string;
  scroll: number;
  prompt: Prompt | undefined;
  /** A one-line message shown under the header (result of a kill, an error). */
  message: string | undefined;
}

export type Effect =
  | { kind: 'quit' }
  | { kind: 'kill'; target: ProcessIdentity; signal: string }
  | { kind: 'redraw' };

export const initialTopState = (sort: SortKey = 'mem'): TopState => ({
  sort,
  tree: false,
  fullCommand: false,
  filter: '',
  scroll: 0,
  prompt: undefined,
  message: undefined,
});

/** Signals offered by k: names as kill -l prints them, without the SIG prefix. */
export const SIGNALS = ['TERM', 'KILL', 'INT', 'HUP', 'QUIT', 'STOP', 'CONT', 'USR1', 'USR2'] as const;

/** "9" -> "KILL", "sigterm" -> "TERM"; undefined if not a signal k offers. */
export function parseSignal(text: string): string | undefined {
  const t = text.trim().toUpperCase().replace(/^SIG/, '');
  const byNumber: Record<string, string> = {
    '1': 'HUP',
    '2': 'INT',
    '3': 'QUIT',
    '9': 'KILL',
    '10': 'USR1',
    '12': 'USR2',
    '15': 'TERM',
    '18': 'CONT',
    '19': 'STOP',
  };
  const name = byNumber[t] ?? t;
  return (SIGNALS as readonly string[]).includes(name) ? name : undefined;
}

export interface KeyContext {
  /** PID of the first row shown: the default for k, as in top. */
  firstPid: number | undefined;
  /** Rows that fit on screen, for page scrolling. */
  pageRows: number;
  /** Rows in the table after the filter: End shows its last page, and scrolling stops there. */
  rowCount: number;
  /**
   * The process with this PID in the table the user is looking at (k refuses PIDs not in it): its
   * start time goes with the PID to the end, so the signal reaches that process or nobody.
   */
  lookup: (pid: number) => ProcessIdentity | undefined;
}

export function handleKey(state: TopState, key: Key, ctx: KeyContext): TopResult {
  if (key.kind === 'interrupt') return { state, effect: { kind: 'quit' } };
  if (state.prompt) return handlePromptKey(state, state.prompt, key, ctx);
  const next = { ...state, message: undefined };
  // the first row of the last page: scrolling further would only show the same rows
  const last = Math.max(0, ctx.rowCount - ctx.pageRows);
  const scrollTo = (scroll: number) => ({
    state: { ...next, scroll: Math.max(0, Math.min(last, scroll)) },
    effect: { kind: 'redraw' } as Effect,
  });
  const target = movedTo(key, state.scroll, ctx.pageRows, last);
  if (target !== undefined) return scrollTo(target);
  switch (key.kind) {
    case 'escape':
      return { state: next, effect: { kind: 'redraw' } };
    case 'char':
      break;
    default:
      return { state };
  }
  switch (key.char) {
    case 'q':
      return { state, effect: { kind: 'quit' } };
    case 'M':
      return { state: { ...next, sort: 'mem', scroll: 0 }, effect: { kind: 'redraw' } };
    case 'P':
      return { state: { ...next, sort: 'cpu', scroll: 0 }, effect: { kind: 'redraw' } };
    case 'N':
      return { state: { ...next, sort: 'pid', scroll: 0 }, effect: { kind: 'redraw' } };
    case 'T':
    case 'V':
      return { state: { ...next, tree: !state.tree, scroll: 0 }, effect: { kind: 'redraw' } };
    case 'c':
      return { state: { ...next, fullCommand: !state.fullCommand }, effect: { kind: 'redraw' } };
    case '/':
    case 'o':
      return {
        state: { ...next, prompt: { kind: 'filter', text: state.filter } },
        effect: { kind: 'redraw' },
      };
    case 'k':
      return {
        state: { ...next, prompt: { kind: 'killPid', text: '', defaultPid: ctx.firstPid } },
        effect: { kind: 'redraw' },
      };
    default:
      return { state };
  }
}

type TopResult = { state: TopState; effect?: Effect };

/** A prompt the user types into (all but the y/N question). */
type TextPrompt = Exclude<Prompt, { kind: 'killConfirm' }>;

function handlePromptKey(state: TopState, prompt: Prompt, key: Key, ctx: KeyContext): TopResult {
  if (key.kind === 'escape')
    return { state: { ...state, prompt: undefined, message: undefined }, effect: { kind: 'redraw' } };
  if (prompt.kind === 'killConfirm') return answerKillConfirm(state, prompt, key);
  if (key.kind === 'enter') return submitPrompt(state, prompt, ctx);
  return editPrompt(state, prompt, key);
}

/** y sends the signal; any other key cancels. */
function answerKillConfirm(
  state: TopState,
  prompt: Extract<Prompt, { kind: 'killConfirm' }>,
  key: Key,
): TopResult {
  if (key.kind === 'char' && (key.char === 'y' || key.char === 'Y')) {
    return {
      state: { ...state, prompt: undefined },
      effect: { kind: 'kill', target: prompt.target, signal: prompt.signal },
    };
  }
  return { state: { ...state, prompt: undefined, message: 'kill cancelled' }, effect: { kind: 'redraw' } };
}

/** A key that changes the prompt's text, readline's way; the kill prompts take letters and digits only. */
function editPrompt(state: TopState, prompt: TextPrompt, key: Key): TopResult {
  const edited = (text: string): TopResult => ({
    state: { ...state, prompt: { ...prompt, text } },
    effect: { kind: 'redraw' },
  });
  switch (key.kind) {
    case 'backspace':
      return edited(prompt.text.slice(0, -1));
    case 'clearLine':
      return edited('');
    case 'deleteWord':
      // readline's unix-word-rubout: the spaces before the cursor, then the word before them
      return edited(prompt.text.replace(/\s+$/, '').replace(/\S+$/, ''));
    case 'char':
      if (prompt.kind !== 'filter' && !/^[0-9A-Za-z]$/.test(key.char)) return { state };
      return edited(prompt.text + key.char);
    default:
      return { state };
  }
}

/** Enter: the filter applies; the kill prompts go to their next step. */
function submitPrompt(state: TopState, prompt: TextPrompt, ctx: KeyContext): TopResult {
  switch (prompt.kind) {
    case 'filter':
      return {
        state: { ...state, prompt: undefined, filter: prompt.text.trim(), scroll: 0 },
        effect: { kind: 'redraw' },
      };
    case 'killPid':
      return submitKillPid(state, prompt, ctx);
    case 'killSignal':
      return submitKillSignal(state, prompt);
  }
}

/** The PID typed (or the first row's): a process in the table, then asked which signal. */
function submitKillPid(
  state: TopState,
  prompt: Extract<Prompt, { kind: 'killPid' }>,
  ctx: KeyContext,
): TopResult {
  const pid = prompt.text === '' ? prompt.defaultPid : Number(prompt.text);
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0) {
    return {
      state: { ...state, prompt: undefined, message: `not a PID: ${prompt.text}` },
      effect: { kind: 'redraw' },
    };
  }
  const target = ctx.lookup(pid);
  if (target === undefined) {
    return {
      state: { ...state, prompt: undefined, message: `no process ${pid} in the table` },
      effect: { kind: 'redraw' },
    };
  }
  return {
    state: { ...state, prompt: { kind: 'killSignal', text: '', target } },
    effect: { kind: 'redraw' },
  };
}

/** The signal typed (TERM if none): one k offers, then the y/N question. */
function submitKillSignal(state: TopState, prompt: Extract<Prompt, { kind: 'killSignal' }>): TopResult {
  const signal = prompt.text === '' ? 'TERM' : parseSignal(prompt.text);
  if (!signal) {
    return {
      state: {
        ...state,
        prompt: undefined,
        message: `unknown signal ${prompt.text}: use ${SIGNALS.join(', ')} or a number`,
      },
      effect: { kind: 'redraw' },
    };
  }
  return {
    state: { ...state, prompt: { kind: 'killConfirm', target: prompt.target, signal } },
    effect: { kind: 'redraw' },
  };
}

/** The prompt line as shown to the user (the name is another user's text: render escapes the line). */
export function promptText(prompt: Prompt): string {
  switch (prompt.kind) {
    case 'filter':
      return `Filter (command or PID, Enter to apply, empty to clear): ${prompt.text}`;
    case 'killPid':
      return `PID to signal/kill [default pid = ${prompt.defaultPid ?? '-'}]: ${prompt.text}`;
    case 'killSignal':
      return `Send PID ${prompt.target.pid} (${prompt.target.name}) signal [TERM; or KILL, INT, HUP, STOP...]: ${prompt.text}`;
    case 'killConfirm':
      return `Really send SIG${prompt.signal} to PID ${prompt.target.pid} (${prompt.target.name})? [y/N] `;
  }
}
