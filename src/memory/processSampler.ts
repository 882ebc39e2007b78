/**
 * One process-table measurement for `hog ps`: with an interval, a cheap first pass of CPU ticks, a wait,
 * then the full read, so CPU% is the usage over that interval (as top shows it); without one, CPU% is
 * the lifetime average (as ps shows it).
 */
import type { Clock } from '../clock.js';
import { readMeminfo } from '../proc/meminfo.js';
import { readUserNames } from '../proc/passwd.js';
import { collectCpuTicks, collectProcesses, type ProcessSnapshot } from './processTable.js';
import { type ProcessRow, toRows } from './processView.js';

export interface SampleOptions {
  procRoot: string;
  etcRoot: string;
  clock: Clock;
  intervalSeconds: number;
  pids?: readonly number[] | undefined;
  smaps: boolean;
}

export interface ProcessTableSample {
  snapshot: ProcessSnapshot;
  rows: ProcessRow[];
  memTotalBytes: number;
  /** Wall-clock time of the (second) sample, ms since the epoch. */
  takenAt: number;
}

export async function sampleProcessTable(options: SampleOptions): Promise<ProcessTableSample> {
  const { procRoot, clock } = options;
  let previous: { ticks: Map<number, number>; elapsedSeconds: number } | undefined;
  if (options.intervalSeconds > 0) {
    const ticks = collectCpuTicks({ procRoot, pids: options.pids });
    const start = clock.monotonic();
    await clock.sleep(options.intervalSeconds * 1000);
    previous = { ticks, elapsedSeconds: 0 };
    const snapshot = collectProcesses({ procRoot, pids: options.pids, smaps: options.smaps });
    previous.elapsedSeconds = (clock.monotonic() - start) / 1000;
    return finish(snapshot, options, previous);
  }
  return finish(collectProcesses({ procRoot, pids: options.pids, smaps: options.smaps }), options, undefined);
}

function finish(
  snapshot: ProcessSnapshot,
  options: SampleOptions,
  previous: { ticks: Map<number, number>; elapsedSeconds: number } | undefined,
): ProcessTableSample {
  const memTotalBytes = readMeminfo(options.procRoot).memTotalBytes;
  const rows = toRows(snapshot, { memTotalBytes, userNames: readUserNames(options.etcRoot), previous });
  return { snapshot, rows, memTotalBytes, takenAt: options.clock.now() };
}
