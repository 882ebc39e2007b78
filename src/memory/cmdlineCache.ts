/**
 * Command lines kept between the refreshes of `hog top` (issue 16). Reading /proc/PID/cmdline of every
 * process every 2 s is ~3 ms of kernel time and as much of parsing for 440 processes, for lines that
 * change only when a process execs or retitles itself (setproctitle). A line is kept while the process
 * keeps its start time and its name (an exec changes the name; another process on the same PID has
 * another start time), and read again anyway after REREAD_EVERY refreshes, each process in its own
 * turn (by PID), so a retitled process shows its new title within that many refreshes and the re-reads
 * spread evenly over the refreshes. Pure bookkeeping: processTable.ts does the reading.
 */

/** A kept line is read again at least once in this many refreshes. */
export const REREAD_EVERY = 5;

interface Kept {
  startTimeTicks: number;
  comm: string;
  args: string[];
}

export class CmdlineCache {
  private readonly kept = new Map<number, Kept>();
  private refresh = 0;

  /** Start a refresh: lines read before it may be due again. */
  nextRefresh(): void {
    this.refresh++;
  }

  /** The kept line of this process, or undefined when it must be read (new, exec'd, or its turn). */
  get(pid: number, startTimeTicks: number, comm: string): string[] | undefined {
    const kept = this.kept.get(pid);
    if (kept === undefined || kept.startTimeTicks !== startTimeTicks || kept.comm !== comm) return undefined;
    if ((pid + this.refresh) % REREAD_EVERY === 0) return undefined;
    return kept.args;
  }

  set(pid: number, startTimeTicks: number, comm: string, args: string[]): void {
    this.kept.set(pid, { startTimeTicks, comm, args });
  }

  /** Forget the processes not seen at this refresh (they exited). */
  keepOnly(pids: ReadonlySet<number>): void {
    for (const pid of this.kept.keys()) if (!pids.has(pid)) this.kept.delete(pid);
  }

  get size(): number {
    return this.kept.size;
  }
}
