import { describe, expect, it } from 'vitest';
import { manualClock, realClock } from '../src/clock.js';

describe('Clock.sleep with an abort signal', () => {
  it('the real clock wakes when the signal aborts, not at the end of the wait', async () => {
    const stop = new AbortController();
    const slept = realClock.sleep(60_000, stop.signal);
    stop.abort();
    // a 60 s wait that settles inside the test's 5 s timeout: the abort ended it
    await expect(slept).resolves.toBeUndefined();
  });

  it('an aborted signal does not wait at all; the manual clock does not move for it', async () => {
    const stop = new AbortController();
    stop.abort();
    await realClock.sleep(60_000, stop.signal);
    const clock = manualClock(1000);
    await clock.sleep(500, stop.signal);
    expect(clock.now()).toBe(1000);
    await clock.sleep(500);
    expect(clock.now()).toBe(1500);
  });
});
