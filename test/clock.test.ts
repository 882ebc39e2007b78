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

describe('Clock.after', () => {
  it('the manual clock runs due timers on advance, in the order of their times, at their times', () => {
    const clock = manualClock(1000);
    const ran: string[] = [];
    clock.after(300, () => ran.push(`b@${clock.monotonic()}`));
    clock.after(100, () => {
      ran.push(`a@${clock.monotonic()}`);
      // a timer set by a timer counts from that timer's time, and runs in the same advance when due
      clock.after(150, () => ran.push(`c@${clock.monotonic()}`));
    });
    const cancel = clock.after(200, () => ran.push('cancelled'));
    cancel();
    clock.advance(99);
    expect(ran).toEqual([]);
    clock.advance(301);
    expect(ran).toEqual(['a@100', 'c@250', 'b@300']);
    expect(clock.monotonic()).toBe(400);
    expect(clock.now()).toBe(1400);
  });

  it('the real clock calls back once, and not at all when cancelled', async () => {
    const ran: string[] = [];
    const cancel = realClock.after(1, () => ran.push('cancelled'));
    cancel();
    await new Promise<void>((resolve) => realClock.after(1, resolve));
    // a timer of 1 ms set before the one that just fired would have fired first
    expect(ran).toEqual([]);
  });
});
