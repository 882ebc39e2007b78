/**
 * /proc/[pid]/stat — one line of space-separated fields, documented in proc_pid_stat(5).
 * The command name (field 2) is in parentheses and may itself contain spaces and parentheses
 * ("a) b"), so it runs from the first "(" to the LAST ")".
 */

import { excerpt, malformed } from './malformed.js';
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

/** Field n (3..39) of the line being parsed, as a number (NaN for a field that is not one). */
const FIELDS = new Float64Array(40);
const CLOSE_PAREN = 0x29;
const SPACE = 0x20;
const MINUS = 0x2d;
const ZERO = 0x30;

/** The stat line as text (tests, captured trees); see parseStatBytes. */
export function parseStat(text: string, file = '/proc/[pid]/stat'): ProcStat {
  return parseStatBytes(Buffer.from(text, 'utf8'), file);
}

/**
 * The one stat parser, on the bytes as read: hog top parses the stat of every process at every
 * refresh, where a string per line, an array of field offsets and a string per field made parsing
 * the largest source of garbage of a refresh (a third of its bytes allocated, in a sampling heap
 * profile, 2026-12-06). Here each number is read from the bytes; only comm becomes a string.
 * `file` may be a function, called only to name the file in an error.
 */
export function parseStatBytes(bytes: Buffer, file: string | (() => string) = '/proc/[pid]/stat'): ProcStat {
  const open = bytes.indexOf(0x28);
  const close = bytes.lastIndexOf(CLOSE_PAREN);
  const fail = (): never => {
    const text = bytes.toString('utf8');
    throw malformed(typeof file === 'string' ? file : file(), `malformed stat line: ${excerpt(text)}`);
  };
  if (open < 0 || close < open) return fail();
  const pid = numberAt(bytes, 0, open);
  // Field n of proc_pid_stat(5) (n >= 3) starts after the (n - 2)th space following ")".
  let fields = 0; // the last field number seen
  let at = close + 1;
  while (fields < 39) {
    const space = bytes.indexOf(SPACE, at);
    if (space < 0) break;
    fields = fields === 0 ? 3 : fields + 1;
    const end = bytes.indexOf(SPACE, space + 1);
    const stop = end < 0 ? trimmedEnd(bytes) : end;
    FIELDS[fields] = fields === 3 ? 0 : numberAt(bytes, space + 1, stop);
    at = space + 1;
    if (end < 0) break;
  }
  if (fields < 24 || !Number.isInteger(pid)) return fail();
  const state = close + 2 < bytes.length ? String.fromCharCode(bytes[close + 2] as number) : '?';
  return {
    pid,
    comm: bytes.toString('utf8', open + 1, close),
    state: state === ' ' ? '?' : state,
    ppid: FIELDS[4] as number,
    pgrp: FIELDS[5] as number,
    session: FIELDS[6] as number,
    ttyNr: FIELDS[7] as number,
    flags: FIELDS[9] as number,
    minorFaults: FIELDS[10] as number,
    majorFaults: FIELDS[12] as number,
    utimeTicks: FIELDS[14] as number,
    stimeTicks: FIELDS[15] as number,
    priority: FIELDS[18] as number,
    nice: FIELDS[19] as number,
    numThreads: FIELDS[20] as number,
    startTimeTicks: FIELDS[22] as number,
    vsizeBytes: FIELDS[23] as number,
    rssPages: FIELDS[24] as number,
    processor: fields >= 39 ? (FIELDS[39] as number) : undefined,
  };
}

/** Where the line's text ends, before a trailing newline. */
function trimmedEnd(bytes: Buffer): number {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === SPACE)) end--;
  return end;
}

/** The decimal integer in bytes[from, to), with an optional "-"; NaN when there is none, as parseInt. */
function numberAt(bytes: Buffer, from: number, to: number): number {
  let i = from;
  while (i < to && bytes[i] === SPACE) i++;
  const negative = bytes[i] === MINUS;
  if (negative) i++;
  let value = 0;
  let digits = 0;
  for (; i < to; i++) {
    const digit = (bytes[i] as number) - ZERO;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
    digits++;
  }
  if (digits === 0) return Number.NaN;
  return negative ? -value : value;
}

export function readStat(pid: number, procRoot = '/proc'): ProcStat {
  const file = `${procRoot}/${pid}/stat`;
  return parseStat(readProcText(file), file);
}

/** PF_KTHREAD from include/linux/sched.h: set on kernel threads, which have no user memory. */
export const PF_KTHREAD = 0x00200000;
