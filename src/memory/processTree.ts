/**
 * Finding a process's descendants. This kernel has no /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN
 * is optional), so, as psutil and mprof do, every /proc/PID/stat is read for its parent PID; the walk
 * from the root down is pure. A process is identified by PID and start time, so a reused PID is
 * never taken for the process that had it before.
 */
import { listPids } from '../proc/pids.js';
import { isVanished } from '../proc/procFile.js';
import { readStat } from '../proc/stat.js';

export interface ProcessIdentity {
  pid: number;
  ppid: number;
  startTicks: number;
  comm: string;
}

export function scanProcesses(procRoot: string): Map<number, ProcessIdentity> {
  const all = new Map<number, ProcessIdentity>();
  for (const pid of listPids(procRoot)) {
    try {
      const stat = readStat(pid, procRoot);
      all.set(pid, { pid, ppid: stat.ppid, startTicks: stat.startTimeTicks, comm: stat.comm });
    } catch (error) {
      if (!isVanished(error)) throw error;
    }
  }
  return all;
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
