/**
 * Time, injectable: collectors and loops take a Clock so tests can drive time without sleeping.
 */
export interface Clock {
  /** Wall-clock time in milliseconds since the epoch (timestamps shown to users and stored). */
  now(): number;
  /** Monotonic milliseconds, for measuring intervals (never jumps with NTP). */
  monotonic(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A clock that only moves when told to; sleep() advances it instantly. */
export function manualClock(startMs = 0): Clock & { advance(ms: number): void } {
  let wall = startMs;
  let mono = 0;
  return {
    now: () => wall,
    monotonic: () => mono,
    sleep: async (ms) => {
      wall += ms;
      mono += ms;
    },
    advance(ms) {
      wall += ms;
      mono += ms;
    },
  };
}
