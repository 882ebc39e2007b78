/**
 * /proc/[pid]/stat — one line of space-separated fields, documented in proc_pid_stat(5).
 * The command name (field 2) is in parentheses and may itself contain spaces and parentheses
 * ("a) b"), so it runs from the first "(" to the LAST ")".
 */

import { excerpt, type FileName, malformed } from './malformed.js';
import { readProcText } from './procFile.js';

export interface ProcStat {
  pid: number;
  comm: string;
  /** R running, S sleeping, D disk sleep, Z zombie, T stopped, t tracing stop, X dead, I idle (kernel thread). */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  ttyNr: number;
  /** Kernel PF_* flags; PF_KTHREAD (0x00200000) marks kernel threads. */
  flags: number;
  minorFaults: number;
  majorFaults: number;
  /** Time in user and kernel mode, in clock ticks (USER_HZ). */
  utimeTicks: number;
  stimeTicks: number;
  priority: number;
  nice: number;
  numThreads: number;
  /** Time the process started after boot, in clock ticks. */
  startTimeTicks: number;
  /** Virtual memory size in bytes. */
  vsizeBytes: number;
  /** Resident set size in pages (same as statm's resident). */
  rssPages: number;
  /** CPU the process last ran on; absent on very old kernels. */
  processor: number | undefined;
}

/**
 * The one stat parser. `file` may be a function, called only to name the file in an error (hog top
 * parses the stat of every process at every refresh, where a path string per call was garbage).
 * Strings and native indexOf, not a byte-by-byte parser of the Buffer: one was tried, and in a
 * short-lived `hog ps` it ran in V8's interpreter at ~30 us a line against ~6 us here (hog ps 5-7 ms
 * slower for 70 processes; perf stat and --cpu-prof, 2026-12-06).
 */
export function parseStat(text: string, file: FileName = '/proc/[pid]/stat'): ProcStat {
  const fail = (): never => {
    throw malformed(file, `malformed stat line: ${excerpt(text)}`);
  };
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return fail();
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  // Field n of proc_pid_stat(5) (n >= 3) starts after the (n - 2)th space following ")". Find the
  // spaces with native indexOf up to the last field used (39, the CPU), rather than splitting ~50
  // strings per process.
  const starts: number[] = [];
  for (let at = text.indexOf(' ', close); at >= 0 && starts.length < 38; at = text.indexOf(' ', at + 1)) {
    starts.push(at + 1);
  }
  if (starts.length < 22 || !Number.isInteger(pid)) return fail();
  const field = (n: number): number => {
    const from = starts[n - 3] as number;
    const next = starts[n - 2];
    return Number.parseInt(text.slice(from, next === undefined ? text.length : next - 1), 10);
  };
  return {
    pid,
    comm,
    state: text.charAt(starts[0] as number) || '?',
    ppid: field(4),
    pgrp: field(5),
    session: field(6),
    ttyNr: field(7),
    flags: field(9),
    minorFaults: field(10),
    majorFaults: field(12),
    utimeTicks: field(14),
    stimeTicks: field(15),
    priority: field(18),
    nice: field(19),
    numThreads: field(20),
    startTimeTicks: field(22),
    vsizeBytes: field(23),
    rssPages: field(24),
    processor: starts.length >= 37 ? field(39) : undefined,
  };
}

/** The stat line as read: parseStat on its text. */
export function parseStatBytes(bytes: Buffer, file: FileName = '/proc/[pid]/stat'): ProcStat {
  return parseStat(bytes.toString('utf8'), file);
}

export function readStat(pid: number, procRoot = '/proc'): ProcStat {
  const file = `${procRoot}/${pid}/stat`;
  return parseStat(readProcText(file), file);
}

/** PF_KTHREAD from include/linux/sched.h: set on kernel threads, which have no user memory. */
export const PF_KTHREAD = 0x00200000;
