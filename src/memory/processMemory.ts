/**
 * One memory reading of one process, as cheap as the asked metrics allow:
 *   RSS only:   /proc/PID/statm resident × page size (= VmRSS; one short line)
 *   with swap:  /proc/PID/status VmRSS and VmSwap
 *   PSS / USS:  /proc/PID/smaps_rollup (walks the page tables: ~10x the cost; root for other users)
 * Undefined when the process is gone, or a zombie (all zeros: nothing left to measure).
 */
import { pageSize } from '../proc/pageSize.js';
import { isVanished } from '../proc/procFile.js';
import { readSmapsRollup } from '../proc/smapsRollup.js';
import { readStatm } from '../proc/statm.js';
import { readStatus } from '../proc/status.js';

export interface MemoryWanted {
  swap: boolean;
  pss: boolean;
  uss: boolean;
}

export interface MemoryReading {
  rss: number;
  swap?: number;
  pss?: number;
  uss?: number;
}

export function readProcessMemory(
  pid: number,
  procRoot: string,
  wanted: MemoryWanted,
): MemoryReading | undefined {
  try {
    let reading: MemoryReading;
    if (wanted.swap) {
      const status = readStatus(pid, procRoot);
      if (status.vmRssBytes === undefined) return undefined;
      reading = { rss: status.vmRssBytes, swap: status.vmSwapBytes ?? 0 };
    } else {
      const statm = readStatm(pid, procRoot);
      if (statm.residentPages === 0 && statm.sizePages === 0) return undefined;
      reading = { rss: statm.residentPages * pageSize(procRoot) };
    }
    if (wanted.pss || wanted.uss) {
      const rollup = readSmapsRollup(pid, procRoot);
      if (rollup) {
        if (wanted.pss) reading.pss = rollup.pssBytes;
        if (wanted.uss) reading.uss = rollup.ussBytes;
      }
    }
    return reading;
  } catch (error) {
    if (isVanished(error)) return undefined;
    throw error;
  }
}
