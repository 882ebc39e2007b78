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

/** A kept line is read again at least once in this many refreshes. */
export const REREAD_EVERY = 5;

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

  /** The kept value of this process, or undefined when it must be read (new, exec'd, or its turn). */
  get(pid: number, startTimeTicks: number, comm: string): T | undefined {
    const kept = this.kept.get(pid);
    if (kept === undefined || kept.startTimeTicks !== startTimeTicks || kept.comm !== comm) return undefined;
    if ((pid + this.refresh) % REREAD_EVERY === 0) return undefined;
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
