/**
 * What a process rarely changes, kept between the refreshes of `hog top` and `hog serve` (issue 16):
 * its command line, and its effective uid. Reading /proc/PID/cmdline of every process every 2 s is
 * ~3 ms of kernel time and as much of parsing for 440 processes, for lines that change only when a
 * process execs or retitles itself (setproctitle); /proc/PID/status, read for its uid, is the costliest
 * file of a process, for a uid that changes only when the process calls setuid.
 * A value is kept while the process keeps its start time and its name (an exec changes the name;
 * another process on the same PID has another start time), and read again anyway after REREAD_EVERY
 * refreshes, each process in its own turn (by PID), so a retitled process shows its new title (a
 * setuid its new user) within that many refreshes and the re-reads spread evenly over the refreshes.
 * Pure bookkeeping: processTable.ts and statusFill.ts do the reading.
 */

/** A kept value is read again at least once in this many refreshes. */
export const REREAD_EVERY = 5;
/**
 * The same for a process hog top does not show (the caller says which it shows): its command line
 * matters only to the / filter until it comes on screen. 30 refreshes is a minute at the default
 * 2 s; with 680 processes, a fifth of all command lines read again at every refresh was, after the
 * stat reads, the largest cost of a refresh (open, read, close, parse, and the COMMAND texts again).
 */
export const REREAD_OFF_SCREEN_EVERY = 30;

interface Kept<T> {
  startTimeTicks: number;
  comm: string;
  value: T;
}

export class PerProcessCache<T> {
  private readonly kept = new Map<number, Kept<T>>();
  private refresh = 0;

  /** Start a refresh: values read before it may be due again. */
  nextRefresh(): void {
    this.refresh++;
  }

  /**
   * The kept value of this process, or undefined when it must be read (new, exec'd, or its turn: once
   * in `every` refreshes, each process in its own, by PID).
   */
  get(pid: number, startTimeTicks: number, comm: string, every = REREAD_EVERY): T | undefined {
    const value = this.peek(pid, startTimeTicks, comm);
    if (value === undefined || (pid + this.refresh) % every === 0) return undefined;
    return value;
  }

  /** The kept value of this same process, due or not (to compare with what was read again). */
  peek(pid: number, startTimeTicks: number, comm: string): T | undefined {
    const kept = this.kept.get(pid);
    if (kept === undefined || kept.startTimeTicks !== startTimeTicks || kept.comm !== comm) return undefined;
    return kept.value;
  }

  set(pid: number, startTimeTicks: number, comm: string, value: T): void {
    this.kept.set(pid, { startTimeTicks, comm, value });
  }

  /** Forget the processes not seen at this refresh (they exited). */
  keepOnly(pids: { has(pid: number): boolean }): void {
    for (const pid of this.kept.keys()) if (!pids.has(pid)) this.kept.delete(pid);
  }

  get size(): number {
    return this.kept.size;
  }
}
