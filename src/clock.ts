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
  /**
   * Call `fn` once, `ms` from now, unless the returned cancel is called first: the timers of the live
   * views (a refresh every --delay), which go on while keys arrive, where a sleep would block.
   */
  after(ms: number, fn: () => void): () => void;
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
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/**
 * A clock that only moves when told to: sleep() advances it instantly; advance() moves it and runs
 * the timers of after() that fell due, in the order of their times (a live view's refresh in a test).
 */
export function manualClock(startMs = 0): Clock & { advance(ms: number): void } {
  let wall = startMs;
  let mono = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const move = (ms: number) => {
    const until = mono + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of timers) if (entry[1].at <= until && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      timers.delete(due[0]);
      // the time of the timer while it runs, so a timer it sets counts from there
      wall += due[1].at - mono;
      mono = due[1].at;
      due[1].fn();
    }
    wall += until - mono;
    mono = until;
  };
  return {
    now: () => wall,
    monotonic: () => mono,
    sleep: async (ms, signal) => {
      if (signal?.aborted) return;
      move(ms);
    },
    after(ms, fn) {
      const id = nextId++;
      timers.set(id, { at: mono + ms, fn });
      return () => timers.delete(id);
    },
    advance(ms) {
      move(ms);
    },
  };
}
