/** The SigCgt mask, and what the mask shows for real processes: Node.js catches SIGUSR1, sleep does not. */
import { afterAll, describe, expect, it } from 'vitest';
import { catchesSignal, catchesSigusr1, SIGUSR1 } from '../../src/inspector/signalMask.js';
import { parseStatusMask } from '../../src/proc/status.js';
import { startNodeTarget, stopNodeTargets } from '../helpers/nodeTargets.js';
import { spawnCommand } from '../helpers/processes.js';
import { tempDir } from '../helpers/store.js';

const tmp = tempDir('signal-mask');
afterAll(() => {
  stopNodeTargets();
  tmp.remove();
});

describe("status's SigCgt mask (proc/status.ts parseStatusMask)", () => {
  // the mask of a Node.js 20 script, with or without process.on('SIGUSR1'): SIGINT(2), SIGUSR1(10),
  // SIGSEGV(11), SIGTERM(15) and real-time signal 33
  const status =
    'Name:\tnode\nSigBlk:\t0000000000000000\nSigIgn:\t0000000001001000\nSigCgt:\t0000000100004602\n';

  it('reads the SigCgt line, bit N-1 for signal N', () => {
    const mask = parseStatusMask(status, 'SigCgt') as bigint;
    expect(mask).toBe(0x100004602n);
    expect([2, 10, 11, 15, 33].every((s) => catchesSignal(mask, s))).toBe(true);
    expect([1, 9, 12, 13, 14, 17].some((s) => catchesSignal(mask, s))).toBe(false);
    expect(catchesSignal(mask, SIGUSR1)).toBe(true);
  });

  it('is undefined without a SigCgt line', () => {
    expect(parseStatusMask('Name:\tx\nSigBlk:\t0\n', 'SigCgt')).toBeUndefined();
  });
});

describe('catchesSigusr1 on real processes', () => {
  it('is true for Node.js (its own handler opens the inspector) and for an application handler alike', async () => {
    const plain = await startNodeTarget(tmp.dir, 'cjs', { objects: 10 });
    const handler = await startNodeTarget(tmp.dir, 'esm', { objects: 10, usr1File: `${tmp.dir}/fired` });
    expect(catchesSigusr1(plain.pid, '/proc')).toBe(true);
    expect(catchesSigusr1(handler.pid, '/proc')).toBe(true);
  });

  it('is false for sleep, which SIGUSR1 would terminate', async () => {
    const sleeper = spawnCommand('sleep', ['30']);
    try {
      expect(catchesSigusr1(sleeper.pid, '/proc')).toBe(false);
    } finally {
      await sleeper.stop();
    }
  });
});
