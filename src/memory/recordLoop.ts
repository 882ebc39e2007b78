/**
 * The sampling loop shared by `hog run` and `hog watch`: tick on a fixed schedule (no drift: tick k is
 * due at start + k·interval; late ticks are skipped, never bunched), flush about once a second, stop
 * when the targets are gone, the duration is over, the caller says so (Ctrl-C, a verdict), or writing
 * fails (a full disk, a corrupt store; a store another writer has locked is not a failure: the sink keeps
 * the rows for the next flush) — then what was written is kept and the reason returned.
 */
import type { Clock } from '../clock.js';
import { isDiskFull } from '../errors.js';
import type { Recorder } from './recorder.js';

export const FLUSH_MS = 1000;

export type StopReason = 'targets-gone' | 'duration' | 'stopped' | 'verdict' | 'disk-full' | 'store-failed';

/** A sink's flush failed: the recording stops writing (the cause says why). */
class WriteFailure extends Error {}

export interface LoopOptions {
  clock: Clock;
  intervalMs: number;
  durationMs?: number | undefined;
  signal: AbortSignal;
  /** Called before each flush (and at the end): read marker and heap files, judge, print status. */
  beforeFlush?: () => void;
  /** Checked after each flush: true stops the loop (hog watch --until-verdict). */
  done?: () => boolean;
}

export interface LoopResult {
  reason: StopReason;
  error?: Error;
  ticks: number;
}

export async function recordLoop(recorder: Recorder, options: LoopOptions): Promise<LoopResult> {
  const { clock, intervalMs, signal } = options;
  const start = clock.monotonic();
  let due = start;
  let lastFlush = start;
  let ticks = 0;
  let reason: StopReason | undefined;
  let error: Error | undefined;
  const flush = () => {
    options.beforeFlush?.();
    try {
      recorder.flush();
    } catch (failure) {
      throw new WriteFailure('write failed', { cause: failure });
    }
  };
  // an abort ends the current sleep
  const sleep = (ms: number) => (ms <= 0 || signal.aborted ? undefined : clock.sleep(ms, signal));
  try {
    for (;;) {
      if (signal.aborted) {
        reason = 'stopped';
        break;
      }
      recorder.tick();
      ticks++;
      if (recorder.alive === 0) {
        reason = 'targets-gone';
        break;
      }
      const now = clock.monotonic();
      if (now - lastFlush >= FLUSH_MS) {
        flush();
        lastFlush = now;
        if (options.done?.()) {
          reason = 'verdict';
          break;
        }
      }
      if (options.durationMs !== undefined && now - start >= options.durationMs) {
        reason = 'duration';
        break;
      }
      due += intervalMs;
      if (due < now) due = now + intervalMs - ((now - start) % intervalMs);
      await sleep(due - now);
    }
    flush();
  } catch (caught) {
    if (!(caught instanceof WriteFailure)) throw caught;
    error = caught.cause as Error;
    reason = isDiskFull(error) ? 'disk-full' : 'store-failed';
  }
  return { reason: reason ?? 'stopped', ticks, ...(error ? { error } : {}) };
}
