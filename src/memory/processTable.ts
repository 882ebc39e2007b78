/**
 * Collect the process table from procfs: the I/O half of `hog ps` and `hog top`.
 * Per process it reads stat (state, CPU ticks, start time), status (memory, uid) and cmdline;
 * smaps_rollup only when PSS/USS are asked for (it costs ~10x more). With `deferStatus` (hog top) it
 * reads statm instead of status, and status later for the rows that need its uid and VmSwap
 * (statusFill.ts): the kernel formats statm's 7 numbers in about half the time of status's 57 lines
 * (0.60 against 1.32 ms of CPU for 105 processes, measured 2026-12-06). Not stat's own rss field:
 * on this kernel (6.18) it is the unsummed per-CPU counter, 397 pages where statm and status said 441
 * for a sleeping `sleep` (tried 2026-12-06: test/memory/statusFill.test.ts caught it).
 * A process that exits while being read is skipped; one whose smaps_rollup is denied keeps its
 * other columns and is counted in `smapsDenied`.
 */
import { HogError, PermissionError } from '../errors.js';
import { parseCmdline } from '../proc/cmdline.js';
import type { FileName } from '../proc/malformed.js';
import { pageSize } from '../proc/pageSize.js';
import { listPids } from '../proc/pids.js';
import { isDenied, isVanished } from '../proc/procFile.js';
import { type KeptProcFiles, type ProcFileSet, readProcFiles } from '../proc/procFiles.js';
import { readSmapsRollup } from '../proc/smapsRollup.js';
import { PF_KTHREAD, parseStatBytes } from '../proc/stat.js';
import { statmSizes } from '../proc/statm.js';
import { parseStatus } from '../proc/status.js';
import { readUptime } from '../proc/uptime.js';
import { type PerProcessCache, REREAD_EVERY, REREAD_OFF_SCREEN_EVERY } from './perProcessCache.js';

export interface ProcessSample {
  pid: number;
  ppid: number;
  uid: number;
  state: string;
  comm: string;
  args: string[];
  threads: number;
  kernelThread: boolean;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  startTimeTicks: number;
  /** RES = VmRSS */
  resBytes: number;
  /** SHR = RssFile + RssShmem */
  shrBytes: number;
  /** VIRT = VmSize */
  virtBytes: number;
  /** SWAP = VmSwap */
  swapBytes: number;
  /** From smaps_rollup, only when asked; undefined when not read or denied. */
  pssBytes?: number | undefined;
  ussBytes?: number | undefined;
  /** smaps_rollup was asked for but the kernel refused it (another user's process). */
  smapsDenied?: boolean;
  /**
   * Read from statm (deferStatus): uid and swapBytes are not known yet (uid -1, swap 0) until
   * statusFill.ts reads status; the memory sizes are statm's, the same kernel counters as status's.
   */
  statusPending?: true | undefined;
}

export interface ProcessSnapshot {
  /** Seconds since boot when the snapshot was taken (from /proc/uptime). */
  uptimeSeconds: number;
  processes: ProcessSample[];
  /** Processes whose smaps_rollup could not be read for lack of permission. */
  smapsDenied: number;
}

export interface CollectOptions {
  procRoot?: string;
  /** Only these PIDs (missing ones are simply absent from the result). */
  pids?: readonly number[];
  /** Read smaps_rollup for PSS and USS. */
  smaps?: boolean;
  /** Command lines kept from earlier refreshes (hog top): only the new and the due ones are read. */
  cmdlines?: PerProcessCache<string[]>;
  /**
   * The PIDs on screen at the last draw (hog top on a terminal): their kept command lines are due
   * every REREAD_EVERY refreshes, the others' every REREAD_OFF_SCREEN_EVERY. Without it, all every
   * REREAD_EVERY.
   */
  onScreen?: ReadonlySet<number> | undefined;
  /** Read statm instead of status; uid and VmSwap are left to statusFill.ts (see ProcessSample). */
  deferStatus?: boolean;
  /** Files kept open between refreshes (hog top): read with pread instead of open, read, close. */
  kept?: KeptProcFiles;
}

/** Read one process; undefined if it vanished. Other errors propagate. */
export function readProcess(pid: number, procRoot: string, smaps: boolean): ProcessSample | undefined {
  return sampleOf(readProcFiles(procRoot, [pid], FILES), 0, pid, procRoot, { smaps });
}

const FILES = ['stat', 'status', 'cmdline'];
const WITHOUT_CMDLINE = ['stat', 'status'];
const DEFERRED = ['stat', 'statm', 'cmdline'];
const DEFERRED_WITHOUT_CMDLINE = ['stat', 'statm'];
/** The args of a sample whose command line is still to be read (compared by identity). */
const UNREAD: string[] = [];

/** A failed read: undefined when the process is gone, an error to throw otherwise. */
export function vanishedOrThrow(code: string, pid: number, name: string, procRoot: string): undefined {
  if (code === 'ENOENT' || code === 'ESRCH') return undefined;
  const file = `${procRoot}/${pid}/${name}`;
  // the errno code stays on the error for callers that tell a denied read from another (isDenied)
  const error =
    code === 'EACCES' || code === 'EPERM'
      ? new PermissionError(`${code}: cannot read ${file}`, {
          hint: "run hog as root to read other users' processes",
        })
      : new HogError(`${code}: cannot read ${file}`, {
          hint: 'the kernel refused a read of this process file; rerun with --verbose and report it if it persists',
        });
  throw Object.assign(error, { code });
}

/** How a collection reads each process (CollectOptions, resolved). */
interface ReadMode {
  smaps: boolean;
  cmdlines?: PerProcessCache<string[]> | undefined;
  onScreen?: ReadonlySet<number> | undefined;
  deferStatus?: boolean;
}

function sampleOf(
  files: ProcFileSet,
  index: number,
  pid: number,
  procRoot: string,
  mode: ReadMode,
): ProcessSample | undefined {
  const { smaps, cmdlines, onScreen, deferStatus = false } = mode;
  const statBytes = files.get(index, 'stat');
  if (typeof statBytes === 'string') return vanishedOrThrow(statBytes, pid, 'stat', procRoot);
  const memoryFile = deferStatus ? 'statm' : 'status';
  const memoryBytes = files.get(index, memoryFile);
  if (typeof memoryBytes === 'string') return vanishedOrThrow(memoryBytes, pid, memoryFile, procRoot);
  const cmdlineBytes = cmdlines ? undefined : files.get(index, 'cmdline');
  if (typeof cmdlineBytes === 'string') return vanishedOrThrow(cmdlineBytes, pid, 'cmdline', procRoot);
  const stat = parseStatBytes(statBytes, () => `${procRoot}/${pid}/stat`);
  const status = deferStatus ? undefined : parseStatus(memoryBytes, `${procRoot}/${pid}/status`);
  const memory = status ?? statmMemory(memoryBytes, () => `${procRoot}/${pid}/statm`, procRoot);
  const kernelThread = status?.kthread ?? (stat.flags & PF_KTHREAD) !== 0;
  // kernel threads have no command line; with a cache, the line is the kept one or read afterwards
  let args: string[] = [];
  if (!kernelThread && cmdlineBytes) args = parseCmdline(cmdlineBytes.toString('utf8'));
  else if (!kernelThread && cmdlines) {
    const every = onScreen === undefined || onScreen.has(pid) ? REREAD_EVERY : REREAD_OFF_SCREEN_EVERY;
    args = cmdlines.get(pid, stat.startTimeTicks, stat.comm, every) ?? UNREAD;
  }
  const sample: ProcessSample = {
    pid,
    ppid: stat.ppid,
    uid: status?.euid ?? -1, // effective uid, as ps and top show USER
    state: stat.state,
    comm: stat.comm,
    args,
    threads: stat.numThreads,
    kernelThread,
    cpuTicks: stat.utimeTicks + stat.stimeTicks,
    startTimeTicks: stat.startTimeTicks,
    resBytes: memory.vmRssBytes ?? 0,
    shrBytes: (memory.rssFileBytes ?? 0) + (memory.rssShmemBytes ?? 0),
    virtBytes: memory.vmSizeBytes ?? 0,
    swapBytes: status?.vmSwapBytes ?? 0,
  };
  if (!status) sample.statusPending = true;
  if (smaps && !kernelThread && memory.vmRssBytes !== undefined) {
    try {
      const rollup = readSmapsRollup(pid, procRoot);
      sample.pssBytes = rollup?.pssBytes;
      sample.ussBytes = rollup?.ussBytes;
    } catch (error) {
      if (isVanished(error)) return undefined;
      if (!isDenied(error)) throw error;
      sample.smapsDenied = true;
    }
  }
  return sample;
}

export function collectProcesses(options: CollectOptions = {}): ProcessSnapshot {
  const procRoot = options.procRoot ?? '/proc';
  const smaps = options.smaps ?? false;
  const uptimeSeconds = readUptime(procRoot).uptimeSeconds;
  const pids = options.pids ?? listPids(procRoot);
  const { cmdlines } = options;
  cmdlines?.nextRefresh();
  const deferStatus = options.deferStatus === true;
  const names = deferStatus
    ? cmdlines
      ? DEFERRED_WITHOUT_CMDLINE
      : DEFERRED
    : cmdlines
      ? WITHOUT_CMDLINE
      : FILES;
  const files = options.kept ? options.kept.read(pids, names) : readProcFiles(procRoot, pids, names);
  let processes: ProcessSample[] = [];
  let smapsDenied = 0;
  const mode: ReadMode = { smaps, cmdlines, onScreen: options.onScreen, deferStatus };
  for (const [index, pid] of pids.entries()) {
    const sample = sampleOf(files, index, pid, procRoot, mode);
    if (!sample) continue;
    if (sample.smapsDenied) smapsDenied++;
    processes.push(sample);
  }
  if (cmdlines) processes = readUnreadCmdlines(procRoot, processes, cmdlines);
  return { uptimeSeconds, processes, smapsDenied };
}

/**
 * status's memory fields from statm: VmSize = size, VmRSS = resident, RssFile + RssShmem = shared
 * (fs/proc/task_mmu.c task_statm and task_mem read the same mm counters). A kernel thread's statm
 * is all zeros where its status has no Vm lines: 0 either way. Kept as status's (undefined = 0).
 */
function statmMemory(
  bytes: Buffer,
  file: FileName,
  procRoot: string,
): { vmRssBytes: number; vmSizeBytes: number; rssFileBytes: number; rssShmemBytes: number } {
  const statm = statmSizes(bytes, file);
  const page = pageSize(procRoot);
  return {
    vmRssBytes: statm.resident * page,
    vmSizeBytes: statm.size * page,
    rssFileBytes: statm.shared * page,
    rssShmemBytes: 0,
  };
}

/** Fill in the command lines the cache did not have; drop the processes that exited meanwhile. */
function readUnreadCmdlines(
  procRoot: string,
  processes: ProcessSample[],
  cache: PerProcessCache<string[]>,
): ProcessSample[] {
  const unread = processes.filter((p) => p.args === UNREAD);
  const files = readProcFiles(
    procRoot,
    unread.map((p) => p.pid),
    ['cmdline'],
  );
  const gone = new Set<ProcessSample>();
  for (const [index, sample] of unread.entries()) {
    const bytes = files.get(index, 'cmdline');
    if (typeof bytes === 'string') {
      vanishedOrThrow(bytes, sample.pid, 'cmdline', procRoot);
      gone.add(sample);
      continue;
    }
    const args = parseCmdline(bytes.toString('utf8'));
    // a line read again and found unchanged stays the same array: its COMMAND texts stay made
    const kept = cache.peek(sample.pid, sample.startTimeTicks, sample.comm);
    sample.args = kept !== undefined && sameArgs(kept, args) ? kept : args;
    cache.set(sample.pid, sample.startTimeTicks, sample.comm, sample.args);
  }
  const kept = gone.size === 0 ? processes : processes.filter((p) => !gone.has(p));
  cache.keepOnly(new Set(kept.map((p) => p.pid)));
  return kept;
}

function sameArgs(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * CPU ticks only (one stat read per process): the cheap first sample of a two-sample CPU% measurement.
 */
export function collectCpuTicks(options: CollectOptions = {}): Map<number, number> {
  const procRoot = options.procRoot ?? '/proc';
  const pids = options.pids ?? listPids(procRoot);
  const files = readProcFiles(procRoot, pids, ['stat']);
  const ticks = new Map<number, number>();
  for (const [index, pid] of pids.entries()) {
    const bytes = files.get(index, 'stat');
    if (typeof bytes === 'string') {
      vanishedOrThrow(bytes, pid, 'stat', procRoot);
      continue;
    }
    const stat = parseStatBytes(bytes, () => `${procRoot}/${pid}/stat`);
    ticks.set(pid, stat.utimeTicks + stat.stimeTicks);
  }
  return ticks;
}
