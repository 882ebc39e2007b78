/**
 * Finding a process's descendants on a kernel without /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN
 * is optional; with it, childrenWalk.ts walks the tree for less): as psutil and mprof do,
 * /proc/PID/stat gives each process's parent; the walk from the root down is pure. A process is identified by PID and start time, so a reused PID is never taken
 * for the process that had it before.
 *
 * mprof reads every /proc/PID/stat at every sample. ProcessTable does less: a process's parent only
 * changes when it is re-parented away from its dead parent (which the walk from the root then no longer
 * reaches), so only PIDs not seen before need their stat read; and when /proc/loadavg's last PID has
 * not moved, no process was created at all, and /proc is not even listed.
 */
import { KeptFiles } from '../proc/keptFiles.js';
import { parseLoadAvg } from '../proc/loadavg.js';
import { listPids } from '../proc/pids.js';
import { isVanished } from '../proc/procFile.js';
import { readStat } from '../proc/stat.js';

export interface ProcessIdentity {
  pid: number;
  ppid: number;
  startTicks: number;
  comm: string;
}

/** The process table of the machine, kept up to date at little cost (see above). */
export class ProcessTable {
  private readonly known = new Map<number, ProcessIdentity>();
  private lastPid = -1;
  /** Stat files read so far: what the cost is made of (for tests and benchmarks). */
  statReads = 0;
  private readonly files = new KeptFiles();

  constructor(private readonly procRoot: string) {}

  close(): void {
    this.files.closeAll();
  }

  /** Bring the table up to date; returns it. `vanished` PIDs are dropped (their reads failed). */
  refresh(vanished: Iterable<number> = []): ReadonlyMap<number, ProcessIdentity> {
    for (const pid of vanished) this.known.delete(pid);
    let lastPid: number | undefined;
    try {
      const file = `${this.procRoot}/loadavg`;
      lastPid = parseLoadAvg(this.files.read(file), file).lastPid;
    } catch {
      lastPid = undefined; // no loadavg (a fixture tree): list /proc every time
    }
    if (lastPid !== undefined && lastPid === this.lastPid) return this.known;
    this.lastPid = lastPid ?? -1;
    const present = new Set(listPids(this.procRoot));
    for (const pid of this.known.keys()) if (!present.has(pid)) this.known.delete(pid);
    for (const pid of present) {
      if (this.known.has(pid)) continue;
      try {
        const stat = readStat(pid, this.procRoot);
        this.statReads++;
        this.known.set(pid, { pid, ppid: stat.ppid, startTicks: stat.startTimeTicks, comm: stat.comm });
      } catch (error) {
        if (!isVanished(error)) throw error;
      }
    }
    return this.known;
  }
}

/** All descendants of `root` (children, grandchildren...), in PID order of discovery, root excluded. */
export function descendantsOf(
  root: number,
  processes: ReadonlyMap<number, ProcessIdentity>,
): ProcessIdentity[] {
  const children = new Map<number, ProcessIdentity[]>();
  for (const p of processes.values()) {
    if (p.pid === p.ppid) continue;
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const found: ProcessIdentity[] = [];
  const queue = [root];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const child of children.get(pid) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}
