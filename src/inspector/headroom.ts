/**
 * Room for a heap snapshot. V8 builds the snapshot's graph inside the target before it streams a
 * byte, which takes roughly the heap's size again in the target's RAM (Chrome DevTools' guidance:
 * "the snapshot needs about as much memory as the heap"); the JSON written is about the heap's size
 * on disk. A target that runs out of RAM halfway is OOM-killed,
 * hence the check before anything is asked of it.
 * RAM available is the smaller of MemAvailable (/proc/meminfo: what new work can take without
 * swapping) and what the target's memory cgroup still allows (limit - usage); disk is statfs's
 * blocks available to unprivileged users, as df shows them.
 */
import { statfsSync } from 'node:fs';
import { readCgroupMemory } from '../proc/cgroupMemory.js';
import { readMeminfo } from '../proc/meminfo.js';

export interface Headroom {
  heapBytes: number;
  memAvailableBytes: number | undefined;
  /** limit - usage of the target's memory cgroup, when it has a limit. */
  cgroupFreeBytes: number | undefined;
  cgroupPath: string | undefined;
  diskFreeBytes: number;
  dir: string;
}

/** MiB with one decimal, for the messages (inspector/ sits below render/ and cannot use its units). */
function format(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** What falls short, one sentence each with the numbers; empty when there is room. */
export function headroomShortfalls(h: Headroom): string[] {
  const problems: string[] = [];
  if (h.memAvailableBytes !== undefined && h.memAvailableBytes < h.heapBytes) {
    problems.push(
      `RAM: the snapshot needs about the heap's size again (${format(h.heapBytes)}), MemAvailable is ${format(h.memAvailableBytes)}`,
    );
  }
  if (h.cgroupFreeBytes !== undefined && h.cgroupFreeBytes < h.heapBytes) {
    problems.push(
      `RAM: the snapshot needs about ${format(h.heapBytes)} in the target's cgroup ${h.cgroupPath ?? ''}, its limit leaves ${format(h.cgroupFreeBytes)}`,
    );
  }
  if (h.diskFreeBytes < h.heapBytes) {
    problems.push(
      `disk: the snapshot takes about ${format(h.heapBytes)} in ${h.dir}, ${format(h.diskFreeBytes)} are free`,
    );
  }
  return problems;
}

export function readHeadroom(pid: number, heapBytes: number, dir: string, procRoot: string): Headroom {
  const memAvailableBytes = readMeminfo(procRoot).memAvailableBytes;
  let cgroupFreeBytes: number | undefined;
  let cgroupPath: string | undefined;
  try {
    const cgroup = readCgroupMemory(pid, { procRoot });
    if (cgroup?.limitBytes !== undefined) {
      cgroupFreeBytes = Math.max(0, cgroup.limitBytes - cgroup.usageBytes);
      cgroupPath = cgroup.limitPath;
    }
  } catch {
    // no cgroup visible from here: MemAvailable alone
  }
  const fs = statfsSync(dir, { bigint: true });
  const diskFreeBytes = Number(fs.bavail * fs.bsize);
  return { heapBytes, memAvailableBytes, cgroupFreeBytes, cgroupPath, diskFreeBytes, dir };
}
