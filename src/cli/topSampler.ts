/**
 * hog top's sampler: one read of the machine per refresh, keeping what CPU% (the ticks of the last
 * refresh) and GROWTH (RES over time) need between refreshes.
 */

import { GrowthTracker } from '../memory/growth.js';
import { PerProcessCache } from '../memory/perProcessCache.js';
import { collectCpuTicks, collectProcesses, type ProcessSnapshot } from '../memory/processTable.js';
import { type ProcessRow, toRows } from '../memory/processView.js';
import { fillStatus } from '../memory/statusFill.js';
import { systemMemory } from '../memory/systemMemory.js';
import { readLoadAvg } from '../proc/loadavg.js';
import { readMeminfo } from '../proc/meminfo.js';
import { readPressure } from '../proc/pressure.js';
import { KeptProcFiles } from '../proc/procFiles.js';
import type { TopFrameData } from '../render/topScreen.js';
import type { CliContext } from './context.js';

/** How long the first CPU% measurement lasts before the first frame. */
const FIRST_INTERVAL_MS = 250;

/** Samples the machine once per refresh, keeping what CPU% and GROWTH need between refreshes. */
export class TopSampler {
  private ticks = new Map<number, number>();
  private at = 0;
  readonly growth = new GrowthTracker();
  private readonly cmdlines = new PerProcessCache<string[]>();
  /** Effective uids, read from status when due (statusFill.ts). */
  private readonly owners = new PerProcessCache<number>();
  /** The PIDs on screen at the last draw (hog top on a terminal), set by the view. */
  onScreen: ReadonlySet<number> | undefined;
  /** Swap in use on the machine at the last refresh: then every row on screen reads its VmSwap. */
  private swapInUse = true;
  /** stat and statm of every process, status of the rows on screen: read again each refresh. */
  private readonly kept: KeptProcFiles;

  constructor(
    private readonly procRoot: string,
    private readonly userNames: Map<number, string>,
    private readonly clock: CliContext['clock'],
    private readonly pids: number[] | undefined,
    private readonly deferStatus = false,
  ) {
    this.kept = new KeptProcFiles(procRoot);
  }

  /** Read status for the pending ones among `rows`; the PIDs that exited meanwhile. */
  fillStatus(rows: readonly ProcessRow[]): Set<number> {
    return fillStatus(rows, this.procRoot, this.userNames, {
      kept: this.kept,
      owners: this.owners,
      swapInUse: this.swapInUse,
    });
  }

  async prime(): Promise<void> {
    this.ticks = collectCpuTicks({ procRoot: this.procRoot, pids: this.pids });
    this.at = this.clock.monotonic();
    await this.clock.sleep(FIRST_INTERVAL_MS);
  }

  sample(delaySeconds: number): Omit<TopFrameData, 'rows'> & { all: ProcessRow[] } {
    // the files of processes that exited or left the screen since the last refresh are closed
    this.kept.sweep();
    const snapshot: ProcessSnapshot = collectProcesses({
      kept: this.kept,
      procRoot: this.procRoot,
      pids: this.pids,
      cmdlines: this.cmdlines,
      onScreen: this.onScreen,
      deferStatus: this.deferStatus,
    });
    const now = this.clock.monotonic();
    const meminfo = readMeminfo(this.procRoot);
    this.swapInUse = meminfo.swapTotalBytes - meminfo.swapFreeBytes > 0;
    this.owners.nextRefresh();
    const all = toRows(snapshot, {
      memTotalBytes: meminfo.memTotalBytes,
      userNames: this.userNames,
      previous: { ticks: this.ticks, elapsedSeconds: (now - this.at) / 1000 },
    });
    const ticks = new Map<number, number>();
    for (const p of snapshot.processes) ticks.set(p.pid, p.cpuTicks);
    this.ticks = ticks;
    this.owners.keepOnly(ticks);
    this.at = now;
    this.growth.update(snapshot.processes, now);
    return {
      time: new Date(this.clock.now()),
      uptimeSeconds: snapshot.uptimeSeconds,
      load: readLoadAvg(this.procRoot),
      memory: systemMemory(meminfo),
      pressure: readPressure('memory', this.procRoot),
      delaySeconds,
      totalProcesses: snapshot.processes.length,
      growthPerMinute: (pid) => this.growth.perMinute(pid),
      all,
    };
  }
}

export type TopSample = ReturnType<TopSampler['sample']>;
