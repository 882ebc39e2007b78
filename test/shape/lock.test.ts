/**
 * The device lock waits through the clock it is given: with the manual clock a test sees the whole
 * 15 s wait (and its bound) without sleeping. The lock itself is real: an abstract unix socket the
 * test holds by binding the same name, as a second hog would.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Clock, manualClock } from '../../src/clock.js';
import { isHogError } from '../../src/errors.js';
import { lockDevice } from '../../src/shape/lock.js';

const netns = `test-${process.pid}`;
let holders: Server[] = [];

function hold(dev: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ path: `\0hog-shape/${netns}/${dev}` }, () => resolve(server));
    holders.push(server);
  });
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

afterEach(async () => {
  await Promise.all(holders.filter((s) => s.listening).map(close));
  holders = [];
});

describe('lockDevice', () => {
  it('gives up after the wait, in the clock’s time, with the command that shows the holder', async () => {
    await hold('eth9');
    const clock = manualClock(1_000_000);
    const error = await lockDevice(netns, 'eth9', clock, 15_000, 50).catch((e: unknown) => e);
    expect(isHogError(error) && error.exitCode).toBe(4);
    expect((error as Error).message).toBe(
      'another hog shape is changing eth9 and did not finish within 15 s',
    );
    expect(isHogError(error) && error.hint).toBe('`ss -xlp | grep hog-shape/` shows which process holds it');
    // 301 tries 50 ms apart: the last one after the deadline
    expect(clock.monotonic()).toBe(15_050);
  });

  it('takes the lock once its holder lets go, and holds it against the next one', async () => {
    const holder = await hold('eth8');
    const manual = manualClock();
    let sleeps = 0;
    // the holder leaves during the third wait, as a hog that finished its change would
    const clock: Clock = {
      ...manual,
      sleep: async (ms, signal) => {
        sleeps += 1;
        if (sleeps === 3) await close(holder);
        await manual.sleep(ms, signal);
      },
    };
    const lock = await lockDevice(netns, 'eth8', clock, 15_000, 50);
    expect(sleeps).toBe(3);
    expect(manual.monotonic()).toBe(150);
    const second = await lockDevice(netns, 'eth8', manualClock(), 200, 50).catch((e: unknown) => e);
    expect((second as Error).message).toBe(
      'another hog shape is changing eth8 and did not finish within 0.2 s',
    );
    await lock.release();
    const third = await lockDevice(netns, 'eth8', manualClock(), 200, 50);
    await third.release();
  });
});
