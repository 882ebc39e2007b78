/**
 * `hog ps`: the process table, sorted by memory like top's Shift+M.
 */
import type { Command } from 'commander';
import { NotFoundError, quote, UsageError } from '../errors.js';
import { type ProcessTableSample, sampleProcessTable } from '../memory/processSampler.js';
import { type ProcessRow, parseSortKey, SORT_KEYS, selectRows } from '../memory/processView.js';
import { hiddenProcessesNote } from '../proc/hidepid.js';
import { readUserNames } from '../proc/passwd.js';
import { csvLines } from '../render/csv.js';
import { explainLines } from '../render/explain.js';
import { type PsColumn, psColumns } from '../render/psColumns.js';
import { renderTable } from '../render/table.js';
import { type CliContext, rootsOf } from './context.js';
import { parsePidList, positiveInt, seconds } from './optionValues.js';
import type { Output } from './output.js';

interface PsOptions {
  sort: string;
  top?: number;
  tree?: boolean;
  user?: string;
  pid?: number[];
  pss?: boolean;
  uss?: boolean;
  interval: number;
  json?: boolean;
  csv?: boolean;
  explain?: boolean;
  fullCommand?: boolean;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('ps')
    .description('process table sorted by memory: RES, SHR, VIRT, %MEM, SWAP, CPU%, optional PSS/USS')
    .option('-s, --sort <key>', `sort by ${SORT_KEYS.join('|')}`, 'mem')
    .option('-n, --top <N>', 'show only the first N processes', positiveInt('--top'))
    .option('-t, --tree', 'show parent/child tree (siblings in sort order)')
    .option('-u, --user <user>', 'only processes of this user (name or uid)')
    .option('-p, --pid <pids>', 'only these PIDs (comma-separated)', parsePidList)
    .option(
      '-c, --full-command',
      'COMMAND shows the full command line (like top -c), not the program name and short arguments',
    )
    .option('--pss', 'add PSS (reads /proc/PID/smaps_rollup, ~10x slower)')
    .option('--uss', 'add USS (reads /proc/PID/smaps_rollup, ~10x slower)')
    .option(
      '-i, --interval <seconds>',
      'measure CPU% over this interval; 0 = lifetime average like ps',
      seconds('--interval', { allowZero: true, max: 3600 }),
      0.2,
    )
    .option('--json', 'print JSON (sizes in bytes)')
    .option('--csv', 'print CSV (sizes in bytes)')
    .option('--explain', 'after the table, explain what each column means')
    .addHelpText(
      'after',
      `
Examples:
  hog ps --top 10                 the ten processes using the most RAM
  hog ps --sort cpu -i 1          CPU% measured over one second
  hog ps --pss --uss --sort pss   proportional and unique memory (root sees all)
  hog ps --tree --user www-data   one user's processes as a tree
  hog ps -c -p 1234               the whole command line of PID 1234
  hog ps --explain                what RES, SHR, VIRT and the others mean`,
    )
    .action((opts: PsOptions, command: Command) => runPs(opts, command, context));
}

async function runPs(opts: PsOptions, command: Command, context: CliContext): Promise<void> {
  const { procRoot, etcRoot } = rootsOf(command);
  const sort = parseSortKey(opts.sort);
  if (opts.json && opts.csv) throw new UsageError('choose one of --json and --csv');
  if (opts.user !== undefined) checkUserKnown(opts.user, etcRoot);
  const sample = await sampleProcessTable({
    procRoot,
    etcRoot,
    clock: context.clock,
    intervalSeconds: opts.interval,
    pids: opts.pid,
    smaps: Boolean(opts.pss || opts.uss || sort === 'pss'),
  });
  if (opts.pid) checkPidsFound(opts.pid, sample);
  const rows = selectRows(sample.rows, {
    sort,
    top: opts.top,
    tree: opts.tree,
    user: opts.user,
    pids: opts.pid,
  });
  const columns = psColumns({
    pss: opts.pss || sort === 'pss',
    uss: opts.uss,
    fullCommand: opts.fullCommand === true,
  });
  const notes = sampleNotes(sample, procRoot);
  if (opts.json) {
    context.output.line(JSON.stringify(psJson(sample, rows, columns, notes, opts)));
    return;
  }
  reportPs(context.output, rows, columns, notes, opts);
}

/** A user given by name must be in /etc/passwd; a numeric uid is taken as it is. */
function checkUserKnown(user: string, etcRoot: string): void {
  if (/^\d+$/.test(user)) return;
  const known = [...readUserNames(etcRoot).values()];
  if (!known.includes(user)) {
    throw new UsageError(`no such user: ${quote(user)}`, {
      hint: 'give a user name from /etc/passwd or a numeric uid',
    });
  }
}

/** Every PID asked for with --pid must be in the sample. */
function checkPidsFound(pids: number[], sample: ProcessTableSample): void {
  const found = new Set(sample.rows.map((r) => r.pid));
  const missing = pids.filter((pid) => !found.has(pid));
  if (missing.length > 0) {
    throw new NotFoundError(`no process with PID ${missing.join(', ')}`, {
      hint: 'the process may have exited; list processes with `hog ps`',
    });
  }
}

/** What the sample could not see, and why: smaps_rollup refused, processes hidden by hidepid. */
function sampleNotes(sample: ProcessTableSample, procRoot: string): string[] {
  const notes: string[] = [];
  if (sample.snapshot.smapsDenied > 0) {
    const n = sample.snapshot.smapsDenied;
    notes.push(
      process.getuid?.() === 0
        ? `PSS/USS unavailable for ${n} processes: the kernel refused smaps_rollup (ptrace access checks, e.g. another user namespace)`
        : `PSS/USS unavailable for ${n} processes: smaps_rollup of other users' processes needs root (or CAP_SYS_PTRACE); run hog as root to see them`,
    );
  }
  const hidden = hiddenProcessesNote(procRoot);
  if (hidden) notes.push(hidden);
  return notes;
}

/** --json: the shown columns of each row by key, plus the fields a script needs to rebuild the tree. */
function psJson(
  sample: ProcessTableSample,
  rows: readonly ProcessRow[],
  columns: readonly PsColumn[],
  notes: string[],
  opts: PsOptions,
): object {
  return {
    time: new Date(sample.takenAt).toISOString(),
    intervalSeconds: opts.interval,
    cpuMeasure: opts.interval > 0 ? 'interval' : 'lifetime',
    memTotalBytes: sample.memTotalBytes,
    processes: rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const c of columns) out[c.key] = c.value(row);
      out.ppid = row.ppid;
      out.uid = row.uid;
      out.name = row.comm;
      out.threads = row.threads;
      out.kernelThread = row.kernelThread;
      if (opts.tree) out.depth = row.depth;
      return out;
    }),
    notes,
  };
}

/** The table (or CSV), --explain's column meanings, then the notes on stderr. */
function reportPs(
  output: Output,
  rows: readonly ProcessRow[],
  columns: readonly PsColumn[],
  notes: string[],
  opts: PsOptions,
): void {
  if (opts.csv) {
    output.lines(
      csvLines(
        columns.map((c) => c.key),
        rows.map((row) => columns.map((c) => c.value(row))),
      ),
    );
  } else {
    output.lines(renderTable(columns, rows, { width: output.columns }));
    if (opts.explain) {
      output.line();
      output.lines(explainLines(columns, output.columns ?? 100));
    }
  }
  for (const note of notes) output.error(`note: ${note}`);
}
