/**
 * One hog shape at a time per device: two at once would each read the state, each write theirs, and
 * one's rules would be lost. The lock is an abstract unix socket bound to a name per network namespace
 * and device: the kernel frees it when its holder exits however it exits (kill -9 included), so there
 * is no stale lock file to judge. A second hog waits for it, up to a bound.
 */
import { createServer, type Server } from 'node:net';
import type { Clock } from '../clock.js';
import { HogError } from '../errors.js';

export interface DeviceLock {
  release(): Promise<void>;
}

function tryBind(name: string): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(undefined);
      else reject(error);
    });
    server.listen({ path: `\0${name}` }, () => {
      server.unref();
      resolve(server);
    });
  });
}

export async function lockDevice(
  netns: string,
  dev: string,
  clock: Clock,
  waitMs = 15_000,
  everyMs = 50,
): Promise<DeviceLock> {
  const name = `hog-shape/${netns}/${dev}`;
  const deadline = clock.monotonic() + waitMs;
  for (;;) {
    const server = await tryBind(name);
    if (server !== undefined) {
      return { release: () => new Promise((resolve) => server.close(() => resolve())) };
    }
    if (clock.monotonic() > deadline) {
      throw new HogError(
        `another hog shape is changing ${dev} and did not finish within ${waitMs / 1000} s`,
        {
          hint: `\`ss -xlp | grep hog-shape/\` shows which process holds it`,
        },
      );
    }
    await clock.sleep(everyMs);
  }
}
