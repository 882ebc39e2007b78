/**
 * One memory reading of one process, as cheap as the asked metrics allow:
 *   RSS only:   /proc/PID/statm resident × page size (= VmRSS; one short line)
 *   with swap:  /proc/PID/status VmRSS and VmSwap
 *   PSS / USS:  /proc/PID/smaps_rollup (walks the page tables: ~10x the cost; root for other users)
 * Undefined when the process is gone, or a zombie (all zeros: nothing left to measure).
 */
import type { KeptFiles } from '../proc/keptFiles.js';
import { pageSize } from '../proc/pageSize.js';
import { isVanished, readProcText, readProcView } from '../proc/procFile.js';
import { parseSmapsRollup } from '../proc/smapsRollup.js';
import { type StatmSizes, statmSizesInto } from '../proc/statm.js';
import { parseStatus } from '../proc/status.js';

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

/** Kept between readings: the recorder reads statm of every target at every tick. */
const statm: StatmSizes = { size: 0, resident: 0, shared: 0 };

/**
 * `files`, when given, keeps the files open between calls (keptFiles.ts); the caller drops a process's
 * files when it is gone.
 */
export function readProcessMemory(
  pid: number,
  procRoot: string,
  wanted: MemoryWanted,
  files?: KeptFiles,
): MemoryReading | undefined {
  const read = (name: string) =>
    files ? files.read(`${procRoot}/${pid}/${name}`) : readProcText(`${procRoot}/${pid}/${name}`);
  try {
    let reading: MemoryReading;
    if (wanted.swap) {
      const status = parseStatus(read('status'), `${procRoot}/${pid}/status`);
      if (status.vmRssBytes === undefined) return undefined;
      reading = { rss: status.vmRssBytes, swap: status.vmSwapBytes ?? 0 };
    } else {
      const file = `${procRoot}/${pid}/statm`;
      // statm's numbers straight from the bytes of the kept buffer, into the kept object: no string
      const bytes = files ? files.readView(file) : readProcView(file);
      statmSizesInto(statm, bytes, bytes.length, file);
      if (statm.resident === 0 && statm.size === 0) return undefined;
      reading = { rss: statm.resident * pageSize(procRoot) };
    }
    if (wanted.pss || wanted.uss) {
      const text = read('smaps_rollup');
      const rollup =
        text.trim() === '' ? undefined : parseSmapsRollup(text, `${procRoot}/${pid}/smaps_rollup`);
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
