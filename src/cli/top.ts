/**
 * `hog top`: a live process view. On a terminal it redraws in place every --delay seconds and takes
 * top's keys; when stdout is not a terminal it prints snapshots like `top -b` (-n iterations).
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { type ProcessRow, parseSortKey, SORT_KEYS, type SortKey, selectRows } from '../memory/processView.js';
import { type ProcessIdentity, signalProcess } from '../memory/signalProcess.js';
import { readUserNames } from '../proc/passwd.js';
import { decodeKeys } from '../render/keys.js';
import { handleKey, initialTopState, type TopState } from '../render/topModel.js';
import { HEADER_LINES, renderTopFrame, type TopFrameData, visibleRows } from '../render/topScreen.js';
import { type CliContext, rootsOf } from './context.js';
import { runLiveView } from './liveView.js';
import { parsePidList, positiveInt, seconds } from './optionValues.js';
import { type TopSample, TopSampler } from './topSampler.js';

interface TopOptions {
  delay: number;
  iterations?: number;
  batch?: boolean;
  sort: string;
  user?: string;
  pid?: number[];
  tree?: boolean;
  top?: number;
  fullCommand?: boolean;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('top')
    .description('live process view: memory totals, pressure (PSI), processes with RES growth per minute')
    .option('-d, --delay <seconds>', 'seconds between refreshes', seconds('--delay', { max: 3600 }), 2)
    .option(
      '-n, --iterations <N>',
      'stop after N refreshes (default: run until q)',
      positiveInt('--iterations'),
    )
    .option('-b, --batch', 'print snapshots as text, like top -b (automatic when stdout is not a terminal)')
    .option('-s, --sort <key>', `initial sort: ${SORT_KEYS.join('|')}`, 'mem')
    .option('-u, --user <user>', 'only processes of this user (name or uid)')
    .option('-p, --pid <pids>', 'only these PIDs (comma-separated)', parsePidList)
    .option('-t, --tree', 'start in tree view')
    .option('-c, --full-command', 'start with full command lines in COMMAND, like top -c (key c toggles)')
    .option('--top <N>', 'batch mode: print only the first N processes per snapshot', positiveInt('--top'))
    .addHelpText(
      'after',
      `
Keys: M sort by memory, P by CPU, N by PID, T tree, c program name or full command line, / filter,
      k kill (asks PID, signal, confirmation), arrows/PgUp/PgDn scroll, Home/End first/last row,
      q quit. In a prompt: Backspace, Ctrl-U clear, Ctrl-W delete a word, Enter apply, Esc cancel.
COMMAND shows the program name and its arguments with paths cut to their last part (python3
worker.py); -c or the key c shows the full command line. A command line is read when its process
starts or execs, then again every 5 refreshes while its row is on screen (every 30 off screen), so a
process that retitles itself shows its new title within 5 refreshes.
GROWTH is the change of RES per minute since hog top started watching each process.

Examples:
  hog top                          live view sorted by RES
  hog top -b -n 3 -d 5 --top 20    three text snapshots five seconds apart`,
    )
    .action(async (opts: TopOptions, command: Command) => {
      const sort = parseSortKey(opts.sort);
      const { procRoot, etcRoot } = rootsOf(command);
      const batch = opts.batch === true || !context.terminal.outputIsTTY;
      // on a terminal only the rows on screen need status (statusFill.ts); batch prints them all
      const sampler = new TopSampler(procRoot, readUserNames(etcRoot), context.clock, opts.pid, !batch);
      if (!batch && !context.terminal.inputIsTTY) {
        throw new UsageError('hog top needs a terminal for keys', {
          hint: 'use hog top -b for text snapshots',
        });
      }
      await sampler.prime();
      if (batch) await runBatch(sampler, opts, sort, context);
      else await runInteractive(sampler, opts, sort, procRoot, context);
    });
}

/**
 * The rows to draw, with status read for those that need it: every row when the -u filter or the
 * SWAP sort needs uid or swap of all, else the rows on screen (the window renderTopFrame draws).
 * Rows of processes that exited before their status was read are dropped, as a full read drops them.
 */
function view(
  sampler: TopSampler,
  data: TopSample,
  state: TopState,
  user: string | undefined,
  height: number,
): TopFrameData {
  const select = () =>
    selectRows(data.all, { sort: state.sort, tree: state.tree, filter: state.filter, user });
  let gone = user !== undefined || state.sort === 'swap' ? sampler.fillStatus(data.all) : new Set<number>();
  if (gone.size > 0) data.all = data.all.filter((r) => !gone.has(r.pid));
  let rows = select();
  for (let attempt = 0; attempt < 3; attempt++) {
    const shown = shownPids(rows, state.scroll, height);
    // the next refresh reads these rows' command lines more often than the others' (processTable.ts)
    sampler.onScreen = shown;
    const pending = data.all.filter((r) => r.statusPending && shown.has(r.pid));
    if (pending.length === 0) break;
    gone = sampler.fillStatus(pending);
    if (gone.size > 0) data.all = data.all.filter((r) => !gone.has(r.pid));
    // tree rows are copies: select again to see what was filled in
    rows = select();
  }
  return { ...data, rows };
}

/** The PIDs of the rows renderTopFrame draws on a screen `height` lines high, scrolled to `scroll`. */
function shownPids(rows: readonly ProcessRow[], scroll: number, height: number): Set<number> {
  const { start, end } = visibleRows(rows.length, scroll, height);
  const shown = new Set<number>();
  for (let i = start; i < end; i++) shown.add((rows[i] as ProcessRow).pid);
  return shown;
}

async function runBatch(
  sampler: TopSampler,
  opts: TopOptions,
  sort: SortKey,
  context: CliContext,
): Promise<void> {
  const state = {
    ...initialTopState(sort),
    tree: opts.tree === true,
    fullCommand: opts.fullCommand === true,
  };
  const width = 1000; // never cut lines in batch mode
  for (let i = 0; opts.iterations === undefined || i < opts.iterations; i++) {
    if (i > 0) await context.clock.sleep(opts.delay * 1000);
    const frame = view(sampler, sampler.sample(opts.delay), state, opts.user, Number.POSITIVE_INFINITY);
    const rows = opts.top !== undefined ? frame.rows.slice(0, opts.top) : frame.rows;
    const lines = renderTopFrame(state, { ...frame, rows }, width, HEADER_LINES + 1 + rows.length);
    // drop the key help and the empty status line: they mean nothing in a file
    context.output.lines([...lines.slice(0, 3), '', ...lines.slice(HEADER_LINES), '']);
  }
}

/** The live view: top's keys on the model (render/topModel.ts), a new sample every --delay. */
function runInteractive(
  sampler: TopSampler,
  opts: TopOptions,
  sort: SortKey,
  procRoot: string,
  context: CliContext,
): Promise<void> {
  let state: TopState = {
    ...initialTopState(sort),
    tree: opts.tree === true,
    fullCommand: opts.fullCommand === true,
  };
  let data = sampler.sample(opts.delay);
  let frame = view(sampler, data, state, opts.user, context.terminal.size().height);
  let refreshes = 1;
  const keyContext = (height: number) => ({
    firstPid: frame.rows[Math.min(state.scroll, Math.max(0, frame.rows.length - 1))]?.pid,
    pageRows: Math.max(1, height - HEADER_LINES - 1),
    rowCount: frame.rows.length,
    // the row as the user saw it: its start time was read from /proc/PID/stat at that refresh
    lookup: (pid: number) => {
      const row = data.all.find((r) => r.pid === pid);
      return row && { pid, startTimeTicks: row.startTimeTicks, name: row.comm };
    },
  });
  return runLiveView(context.terminal, context.clock, {
    decode: decodeKeys,
    render: ({ width, height }) => {
      frame = view(sampler, data, state, opts.user, height);
      return renderTopFrame(state, frame, width, height);
    },
    key: (key, live) => {
      const { state: next, effect } = handleKey(state, key, keyContext(live.size().height));
      state = next;
      if (effect?.kind === 'kill') {
        state = { ...state, message: sendSignal(effect.target, effect.signal, procRoot) };
        // look again shortly, so the killed process disappears without waiting a whole delay
        live.refreshIn(300);
      }
      return effect?.kind === 'quit' ? 'quit' : effect && 'draw';
    },
    refresh: {
      everyMs: opts.delay * 1000,
      run: () => {
        data = sampler.sample(opts.delay);
        refreshes++;
        return true;
      },
      done: () => opts.iterations !== undefined && refreshes >= opts.iterations,
    },
  });
}

/** Signal the process the user chose, if its PID is still its own; say what happened, in words a user can act on. */
function sendSignal(target: ProcessIdentity, signal: string, procRoot: string): string {
  const { pid, name } = target;
  const outcome = signalProcess(target, `SIG${signal}` as NodeJS.Signals, procRoot);
  switch (outcome.kind) {
    case 'sent':
      return `sent SIG${signal} to PID ${pid} (${name})`;
    case 'gone':
      return `PID ${pid} (${name}) has already exited: nothing sent`;
    case 'replaced':
      return `PID ${pid} is no longer the ${name} you chose: another process (${outcome.now.name}) has it now; nothing sent`;
    case 'denied':
      return `not allowed to signal PID ${pid} (${name}): it belongs to another user (run hog as root)`;
    case 'failed':
      return `kill ${pid} failed: ${outcome.message}`;
  }
}
