/** The limits a process's growth runs into (forecast.ts): its cgroup's memory limit and MemAvailable. */
import { readCgroupMemory } from '../proc/cgroupMemory.js';
import { readMeminfo } from '../proc/meminfo.js';
import type { Limits } from './forecast.js';

export function readLimits(pid: number, procRoot: string, fsRoot = ''): Limits {
  let cgroup: Limits['cgroup'];
  try {
    const memory = readCgroupMemory(pid, { procRoot, fsRoot });
    if (memory?.limitBytes !== undefined) {
      cgroup = {
        limitBytes: memory.limitBytes,
        workingSetBytes: memory.workingSetBytes,
        path: memory.limitPath ?? memory.path,
      };
    }
  } catch {
    // the process is gone, or its cgroup is not visible from here: fall back to the machine
  }
  let memAvailableBytes: number | undefined;
  try {
    const meminfo = readMeminfo(procRoot);
    memAvailableBytes = meminfo.memAvailableBytes ?? meminfo.memFreeBytes;
  } catch {
    memAvailableBytes = undefined;
  }
  return { cgroup, memAvailableBytes };
}
