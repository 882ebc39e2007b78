/**
 * The descendants of the recorded processes, found at every tick from /proc/PID/task/TID/children.
 *
 * A child that lives a few sampling intervals must be sampled, as mprof does (psutil re-reads the whole
 * process table at every sample). Listing /proc and reading every new PID's stat, as ProcessTable
 * does, costs with the size of the machine; walking the children files costs with the size of the
 * recorded tree only: per process one read per thread of a file kept open. Listing a process's threads
 * costs more than reading their files (8.5 us against 2.6 us a process, measured with 200 children), so
 * the thread lists are refreshed every THREADS_MS: a child forked by a thread younger than that may
 * be found that much later; children of the threads already known are found at once. And when /proc/loadavg's last PID has not moved, no process was created anywhere, so
 * the tree cannot have grown: the walk is skipped and the tick costs one read.
 *
 * A process is identified by PID and start time (its stat is read once, when the walk first meets it);
 * a PID whose process vanished (a failed read, told by the recorder) is read again if it is met again.
 */
import { readdirSync } from 'node:fs';
import { parseChildren } from '../proc/children.js';
import { KeptFiles } from '../proc/keptFiles.js';
import { parseLoadAvg } from '../proc/loadavg.js';
import { isVanished, readProcText } from '../proc/procFile.js';
import { readStat } from '../proc/stat.js';
import type { ProcessIdentity } from './processTree.js';

/** How long a process's list of threads is used before it is listed again. */
export const THREADS_MS = 500;

export class ChildrenWalk {
  private readonly files = new KeptFiles();
  private readonly identities = new Map<number, ProcessIdentity>();
  private lastPid = -1;
  /** The threads of each process walked, and when they were listed (a failed read lists them again). */
  private readonly threads = new Map<number, { tids: string[]; listedAt: number }>();
  /** Children files read so far: what the cost is made of (for tests and the cost measurement). */
  childrenReads = 0;

  constructor(
    private readonly procRoot: string,
    private readonly monotonic: () => number,
  ) {}

  /**
   * Whether this kernel writes children files, tried on a live process's main thread; undefined when
   * the process is gone and the question stays open.
   */
  static supported(procRoot: string, pid: number): boolean | undefined {
    try {
      readProcText(`${procRoot}/${pid}/task/${pid}/children`);
      return true;
    } catch {
      try {
        readdirSync(`${procRoot}/${pid}/task/${pid}`);
        return false; // the thread is there, its children file is not
      } catch {
        return undefined;
      }
    }
  }

  /** False when no process was created since the last call: the trees walked then cannot have grown. */
  created(): boolean {
    const file = `${this.procRoot}/loadavg`;
    let lastPid: number;
    try {
      lastPid = parseLoadAvg(this.files.read(file), file).lastPid;
    } catch {
      return true; // no loadavg (a captured tree): walk every time
    }
    const moved = lastPid !== this.lastPid;
    this.lastPid = lastPid;
    return moved;
  }

  /** These PIDs' processes are gone (their reads failed): a process met on one of them is read afresh. */
  forget(pids: Iterable<number>): void {
    for (const pid of pids) this.identities.delete(pid);
  }

  /**
   * The descendants of each root (children, grandchildren..., in the order found, root excluded). A
   * process met in several trees is read once (its threads' children files may be read once per tree).
   */
  walk(roots: readonly number[]): Map<number, ProcessIdentity[]> {
    const visited = new Set<number>();
    const trees = new Map<number, ProcessIdentity[]>();
    const now = this.monotonic();
    // each root has its whole tree, even when it is itself in another root's (hog watch of a parent and its child)
    for (const root of roots) trees.set(root, this.descendantsOf(root, visited, now));
    // a process that left the trees (exited, or re-parented away from a dead parent) is not kept
    for (const pid of this.identities.keys()) if (!visited.has(pid)) this.identities.delete(pid);
    for (const pid of this.threads.keys()) {
      if (!visited.has(pid)) {
        this.threads.delete(pid);
        this.files.dropPrefix(`${this.procRoot}/${pid}/`);
      }
    }
    return trees;
  }

  close(): void {
    this.files.closeAll();
  }

  private descendantsOf(root: number, visited: Set<number>, now: number): ProcessIdentity[] {
    const found: ProcessIdentity[] = [];
    const queue = [root];
    const seen = new Set(queue);
    visited.add(root);
    for (let next = 0; next < queue.length; next++) {
      for (const pid of this.childrenOf(queue[next] as number, now)) {
        if (seen.has(pid)) continue;
        seen.add(pid);
        visited.add(pid);
        const identity = this.identify(pid);
        if (!identity) continue; // it exited between its parent's list and its stat
        found.push(identity);
        queue.push(pid);
      }
    }
    return found;
  }

  /** The children of every thread of a process; none when it is gone. */
  private childrenOf(pid: number, now: number): number[] {
    let listed = this.threads.get(pid);
    if (!listed || now - listed.listedAt >= THREADS_MS) {
      try {
        listed = { tids: readdirSync(`${this.procRoot}/${pid}/task`), listedAt: now };
      } catch (error) {
        if (!isVanished(error)) throw error;
        this.threads.delete(pid);
        this.files.dropPrefix(`${this.procRoot}/${pid}/`);
        return [];
      }
      this.threads.set(pid, listed);
    }
    const { tids } = listed;
    const children: number[] = [];
    for (const tid of tids) {
      const file = `${this.procRoot}/${pid}/task/${tid}/children`;
      let text: string;
      try {
        text = this.files.read(file);
      } catch (error) {
        if (!isVanished(error)) throw error;
        // the thread exited (its children went to another thread): list the threads again
        listed.listedAt = Number.NEGATIVE_INFINITY;
        continue;
      }
      this.childrenReads++;
      for (const child of parseChildren(text, file)) children.push(child);
    }
    return children;
  }

  private identify(pid: number): ProcessIdentity | undefined {
    const known = this.identities.get(pid);
    if (known) return known;
    try {
      const stat = readStat(pid, this.procRoot);
      const identity = { pid, ppid: stat.ppid, startTicks: stat.startTimeTicks, comm: stat.comm };
      this.identities.set(pid, identity);
      return identity;
    } catch (error) {
      if (isVanished(error)) return undefined;
      throw error;
    }
  }
}
