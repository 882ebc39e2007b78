/**
 * The GROWTH column of `hog top`: how fast each process's RES changed since hog started watching it,
 * in bytes per minute. A process is identified by PID and start time, so a reused PID starts over.
 * Pure: samples come in with their own timestamps.
 */
export interface GrowthSample {
  pid: number;
  startTimeTicks: number;
  resBytes: number;
}

interface FirstSeen {
  startTimeTicks: number;
  resBytes: number;
  atMs: number;
}

export class GrowthTracker {
  private readonly first = new Map<number, FirstSeen>();
  private readonly rates = new Map<number, number>();

  /** Record one refresh; processes that are gone are forgotten. */
  update(samples: readonly GrowthSample[], atMs: number): void {
    const alive = new Set<number>();
    for (const s of samples) {
      alive.add(s.pid);
      const seen = this.first.get(s.pid);
      if (!seen || seen.startTimeTicks !== s.startTimeTicks) {
        this.first.set(s.pid, { startTimeTicks: s.startTimeTicks, resBytes: s.resBytes, atMs });
        this.rates.delete(s.pid);
        continue;
      }
      const minutes = (atMs - seen.atMs) / 60000;
      if (minutes > 0) this.rates.set(s.pid, (s.resBytes - seen.resBytes) / minutes);
    }
    for (const pid of this.first.keys()) {
      if (!alive.has(pid)) {
        this.first.delete(pid);
        this.rates.delete(pid);
      }
    }
  }

  /** Bytes per minute since first seen; undefined until a second refresh. */
  perMinute(pid: number): number | undefined {
    return this.rates.get(pid);
  }

  /** Milliseconds the process has been watched. */
  watchedMs(pid: number, nowMs: number): number {
    const seen = this.first.get(pid);
    return seen ? nowMs - seen.atMs : 0;
  }
}
