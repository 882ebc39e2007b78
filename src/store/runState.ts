/**
 * Is a run still being recorded? A run's row gets its end when the recorder ends it; a recorder that
 * dies first (kill -9, the OOM killer, a reboot) leaves it without one. So each run stores its
 * recorder's identity (PID, start time in clock ticks, boot id: the same PID and start time on
 * another boot is another process), and a reader checks whether that process still exists.
 * Runs from before this (no identity) count as running while something was recorded in the last
 * STALE_MS or ten sampling intervals, whichever is longer.
 */
import { readFileSync } from 'node:fs';
import type { RecorderIdentity, RunInfo, RunState } from '../memory/recording.js';
import { readStat } from '../proc/stat.js';

export const STALE_MS = 60_000;

/** The recorder is hog itself: always the real /proc, whatever --proc-root says. */
const PROC = '/proc';

export function bootId(procRoot = PROC): string {
  return readFileSync(`${procRoot}/sys/kernel/random/boot_id`, 'utf8').trim();
}

/** This process's identity, stored with each run it records. */
export function selfIdentity(): RecorderIdentity {
  return { pid: process.pid, startTicks: readStat(process.pid, PROC).startTimeTicks, bootId: bootId() };
}

function alive(who: RecorderIdentity): boolean {
  try {
    const stat = readStat(who.pid, PROC);
    return stat.startTimeTicks === who.startTicks && stat.state !== 'Z';
  } catch {
    return false; // no such process (or it vanished as we read it)
  }
}

export function runState(run: RunInfo, now: number, currentBoot: string = bootId()): RunState {
  if (run.endedAt !== undefined) return 'ended';
  if (run.recorder) {
    return run.recorder.bootId === currentBoot && alive(run.recorder) ? 'running' : 'interrupted';
  }
  const last = run.lastDataAt ?? run.startedAt;
  return now - last > Math.max(STALE_MS, 10 * (run.intervalMs ?? 1000)) ? 'interrupted' : 'running';
}

/** Where the recording really ends: its end, or for a run still going or interrupted, the last data. */
export function recordedUntil(run: RunInfo): number {
  return run.endedAt ?? run.lastDataAt ?? run.startedAt;
}
