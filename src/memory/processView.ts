/**
 * From raw process samples to the rows `hog ps` and `hog top` show: derived columns (%MEM, CPU%),
 * filters, sort and tree order. Pure: no I/O here.
 */
import { quote, UsageError } from '../errors.js';
import { cpuPercentBetween, lifetimeCpuPercent } from './cpu.js';
import type { ProcessSample, ProcessSnapshot } from './processTable.js';

export interface ProcessRow extends ProcessSample {
  user: string;
  /** RES as a share of MemTotal, as top computes %MEM. */
  memPercent: number;
  cpuPercent: number;
  /** The command line, or "[comm]" for kernel threads and processes without one, as ps prints them. */
  command: string;
  /** The program name first and the arguments with paths cut to their last part (shortCommandOf). */
  shortCommand: string;
  /** Tree mode only: nesting depth and the drawn branch ("├─ ", "│  └─ "). */
  depth?: number;
  treePrefix?: string;
}

export const SORT_KEYS = ['mem', 'cpu', 'virt', 'swap', 'pss', 'pid', 'name'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

type Compare = (a: ProcessRow, b: ProcessRow) => number;

/** Largest first for sizes and CPU (top's Shift+M / Shift+P); ascending for pid and name. */
const COMPARE: Record<SortKey, Compare> = {
  mem: (a, b) => b.resBytes - a.resBytes,
  cpu: (a, b) => b.cpuPercent - a.cpuPercent || b.resBytes - a.resBytes,
  virt: (a, b) => b.virtBytes - a.virtBytes,
  swap: (a, b) => b.swapBytes - a.swapBytes || b.resBytes - a.resBytes,
  pss: (a, b) => (b.pssBytes ?? -1) - (a.pssBytes ?? -1) || b.resBytes - a.resBytes,
  pid: (a, b) => a.pid - b.pid,
  name: (a, b) => a.comm.localeCompare(b.comm) || a.pid - b.pid,
};

export function parseSortKey(text: string): SortKey {
  const key = text.toLowerCase();
  if ((SORT_KEYS as readonly string[]).includes(key)) return key as SortKey;
  throw new UsageError(`unknown sort key ${quote(text)}`, { hint: `valid keys: ${SORT_KEYS.join(', ')}` });
}

export function commandOf(sample: ProcessSample): string {
  if (sample.args.length === 0)
    return sample.state === 'Z' ? `[${sample.comm}] <defunct>` : `[${sample.comm}]`;
  return sample.args.join(' ');
}

/** An absolute path as one argument: no spaces, no "key=value" or "a:b" lists. */
const PATH_ARGUMENT = /^\/[^\s:=]*[^\s:=/]$/;

/**
 * What COMMAND shows by default, at any width: the program name first, like top's default (the last
 * part of argv[0]), then the arguments with each absolute path cut to its last part. Three
 * `/root/.pyenv/versions/3.11.7/bin/python3 /srv/jobs/<name>.py` read "python3 ingest.py",
 * "python3 report.py" and "python3 warm.py" in the 18 columns left at 80, where the full command lines
 * all read "/root/.pyenv/versi". top's c (hog ps -c) shows the full command line.
 * An argv[0] with spaces was rewritten by the program ("nginx: worker process") and stays whole.
 */
export function shortCommandOf(sample: ProcessSample): string {
  if (sample.args.length === 0) return commandOf(sample);
  const short = (arg: string) => {
    const last = arg.slice(arg.lastIndexOf('/') + 1);
    // "/dev/fd/3" as "3" would say nothing
    return PATH_ARGUMENT.test(arg) && !/^\d+$/.test(last) ? last : arg;
  };
  const [program = '', ...rest] = sample.args;
  const name = program === '' ? sample.comm : short(program);
  return [name, ...rest.map(short)].join(' ');
}

/**
 * The two COMMAND texts of an argument list, made once per list: hog top keeps each process's list
 * between refreshes (perProcessCache.ts), so a refresh finds the texts here instead of joining and
 * cutting 440 command lines again. Keyed by the list itself, so a list read again is a new key.
 */
const COMMAND_TEXTS = new WeakMap<readonly string[], { command: string; short: string }>();

function commandTexts(sample: ProcessSample): { command: string; short: string } {
  if (sample.args.length === 0) {
    const command = commandOf(sample);
    return { command, short: command };
  }
  let texts = COMMAND_TEXTS.get(sample.args);
  if (texts === undefined) {
    texts = { command: commandOf(sample), short: shortCommandOf(sample) };
    COMMAND_TEXTS.set(sample.args, texts);
  }
  return texts;
}

export interface RowOptions {
  memTotalBytes: number;
  userNames: ReadonlyMap<number, string>;
  /** CPU ticks per PID from an earlier sample, and the seconds since it. Without it, CPU% is the lifetime average. */
  previous?: { ticks: ReadonlyMap<number, number>; elapsedSeconds: number };
}

export function toRows(snapshot: ProcessSnapshot, options: RowOptions): ProcessRow[] {
  return snapshot.processes.map((p) => {
    const prevTicks = options.previous?.ticks.get(p.pid);
    const cpuPercent =
      options.previous === undefined
        ? lifetimeCpuPercent(p.cpuTicks, p.startTimeTicks, snapshot.uptimeSeconds)
        : prevTicks === undefined
          ? 0 // started after the first sample: no interval to measure yet
          : cpuPercentBetween(prevTicks, p.cpuTicks, options.previous.elapsedSeconds);
    const texts = commandTexts(p);
    const row: ProcessRow = {
      pid: p.pid,
      ppid: p.ppid,
      uid: p.uid,
      state: p.state,
      comm: p.comm,
      args: p.args,
      threads: p.threads,
      kernelThread: p.kernelThread,
      cpuTicks: p.cpuTicks,
      startTimeTicks: p.startTimeTicks,
      resBytes: p.resBytes,
      shrBytes: p.shrBytes,
      virtBytes: p.virtBytes,
      swapBytes: p.swapBytes,
      user: options.userNames.get(p.uid) ?? String(p.uid),
      memPercent: options.memTotalBytes > 0 ? (p.resBytes / options.memTotalBytes) * 100 : 0,
      cpuPercent,
      command: texts.command,
      shortCommand: texts.short,
    };
    copyOptional(p, row);
    return row;
  });
}

/**
 * The sample's fields are copied one by one, not spread ({...p}): V8 copies a spread object through
 * its generic path, 2.3 of the 2.8 ms toRows took for 433 processes (hog top pays it every refresh).
 * A field added to ProcessSample must be added above (required ones: the type checker says so) or
 * here (optional ones).
 */
function copyOptional(p: ProcessSample, row: ProcessRow): void {
  if (p.pssBytes !== undefined) row.pssBytes = p.pssBytes;
  if (p.ussBytes !== undefined) row.ussBytes = p.ussBytes;
  if (p.smapsDenied !== undefined) row.smapsDenied = p.smapsDenied;
  if (p.statusPending) row.statusPending = true;
}

export interface ViewOptions {
  sort: SortKey;
  top?: number | undefined;
  tree?: boolean;
  /** A user name or numeric uid. */
  user?: string | undefined;
  pids?: readonly number[] | undefined;
  /** Case-insensitive substring of the command line (top's "o COMMAND=" / hog top's "/"). */
  filter?: string | undefined;
}

export function selectRows(rows: ProcessRow[], options: ViewOptions): ProcessRow[] {
  let selected = rows;
  if (options.user !== undefined) {
    const user = options.user;
    selected = selected.filter((r) => r.user === user || String(r.uid) === user);
  }
  if (options.pids !== undefined) {
    const wanted = new Set(options.pids);
    selected = selected.filter((r) => wanted.has(r.pid));
  }
  if (options.filter) {
    const needle = options.filter.toLowerCase();
    selected = selected.filter((r) => r.command.toLowerCase().includes(needle) || String(r.pid) === needle);
  }
  const compare = COMPARE[options.sort];
  const ordered = options.tree ? treeOrder(selected, compare) : [...selected].sort(compare);
  return options.top !== undefined ? ordered.slice(0, options.top) : ordered;
}

/**
 * Depth-first order under each parent, siblings sorted by the sort key (like `ps f` and top's V).
 * A process whose parent is not in the list is a root.
 */
export function treeOrder(rows: ProcessRow[], compare: Compare): ProcessRow[] {
  const byPid = new Map(rows.map((r) => [r.pid, r]));
  const children = new Map<number, ProcessRow[]>();
  const roots: ProcessRow[] = [];
  for (const row of rows) {
    if (row.ppid !== row.pid && byPid.has(row.ppid)) {
      const list = children.get(row.ppid) ?? [];
      list.push(row);
      children.set(row.ppid, list);
    } else {
      roots.push(row);
    }
  }
  const out: ProcessRow[] = [];
  const visit = (row: ProcessRow, depth: number, indent: string, last: boolean): void => {
    const branch = depth === 0 ? '' : `${indent}${last ? '└─ ' : '├─ '}`;
    out.push({ ...row, depth, treePrefix: branch });
    const kids = (children.get(row.pid) ?? []).sort(compare);
    const childIndent = depth === 0 ? '' : `${indent}${last ? '   ' : '│  '}`;
    for (const [i, kid] of kids.entries()) visit(kid, depth + 1, childIndent, i === kids.length - 1);
  };
  for (const root of roots.sort(compare)) visit(root, 0, '', true);
  return out;
}
