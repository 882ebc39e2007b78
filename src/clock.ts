/**
 * Time, injectable: collectors and loops take a Clock so tests can drive time without sleeping.
 */
export interface Clock {
  /** Wall-clock time in milliseconds since the epoch (timestamps shown to users and stored). */
  now(): number;
  /** Monotonic milliseconds, for measuring intervals (never jumps with NTP). */
  monotonic(): number;
  /**
   * Wait `ms`, or less when `signal` aborts: it resolves then (never rejects), and leaves no timer
   * behind, so a stopped loop ends at once. The one abortable sleep of hog's loops.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep: (ms, signal) => {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};

/** A clock that only moves when told to; sleep() advances it instantly. */
export function manualClock(startMs = 0): Clock & { advance(ms: number): void } {
  let wall = startMs;
  let mono = 0;
  return {
    now: () => wall,
    monotonic: () => mono,
    sleep: async (ms, signal) => {
      if (signal?.aborted) return;
      wall += ms;
      mono += ms;
    },
    advance(ms) {
      wall += ms;
      mono += ms;
    },
  };
}
