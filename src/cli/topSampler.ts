/**
 * hog top's sampler: one read of the machine per refresh, keeping what CPU% (the ticks of the last
 * refresh) and GROWTH (RES over time) need between refreshes.
 */
import { CmdlineCache } from '../memory/cmdlineCache.js';
import { GrowthTracker } from '../memory/growth.js';
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
  private readonly cmdlines = new CmdlineCache();
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
    return fillStatus(rows, this.procRoot, this.userNames, this.kept);
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
      deferStatus: this.deferStatus,
    });
    const now = this.clock.monotonic();
    const meminfo = readMeminfo(this.procRoot);
    const all = toRows(snapshot, {
      memTotalBytes: meminfo.memTotalBytes,
      userNames: this.userNames,
      previous: { ticks: this.ticks, elapsedSeconds: (now - this.at) / 1000 },
    });
    this.ticks = new Map(snapshot.processes.map((p) => [p.pid, p.cpuTicks]));
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
