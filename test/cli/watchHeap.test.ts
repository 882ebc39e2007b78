/**
 * hog watch --heap on real Node.js processes run from script files (CommonJS and ES module): the V8
 * heap read through an inspector opened and closed for each reading, compared with the process's own
 * figures; the target alive afterwards with no port left, also when hog is stopped by SIGHUP (a dropped
 * SSH session); an inspector that was open before left open; a process that is not Node.js, or one
 * whose SIGUSR1 handler hog cannot rule out, recorded without a heap with the reason.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHog, startHog, stopStartedHogs } from '../helpers/hog.js';
import {
  expectAliveWithoutInspector,
  type ModuleKind,
  startNodeTarget,
  stopNodeTargets,
} from '../helpers/nodeTargets.js';
import { spawnCommand, waitFor } from '../helpers/processes.js';
import { storedSamples, tempDir } from '../helpers/store.js';

const tmp = tempDir('watch-heap');
const MiB = 1024 * 1024;
afterAll(() => {
  stopStartedHogs();
  stopNodeTargets();
  tmp.remove();
});

const last = (db: string, metric: string) => storedSamples(db, undefined, metric).at(-1)?.value;

describe.each<ModuleKind>(['cjs', 'esm'])('hog watch --heap --force of a %s script', (kind) => {
  it('records the heap, one inspector round trip per reading, and leaves the process as it was', async () => {
    const target = await startNodeTarget(tmp.dir, kind);
    const db = join(tmp.dir, `${kind}.db`);
    const result = await runHog(['watch', String(target.pid), '--heap', '--force', '-d', '5', '--db', db]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^hog watch: PID ${target.pid} \\(node\\): V8 heap through the inspector on 127\\.0\\.0\\.1:\\d+ \\(opened with SIGUSR1 for each reading\\)$`,
        'm',
      ),
    );
    // a reading at the start, then every 2 s: 3 in 5 s, each opened and closed again
    expect(storedSamples(db, undefined, 'heap_used').length).toBe(3);
    expect(target.stderr().match(/^Debugger listening on/gm)?.length).toBe(3);
    expect(target.stderr().match(/^Debugger ending on/gm)?.length).toBe(3);
    expect(last(db, 'heap_used')).toBeGreaterThan(8 * MiB);
    expect(last(db, 'heap_used')).toBeLessThanOrEqual(last(db, 'heap_total') as number);
    await expectAliveWithoutInspector(target);
  });

  it('stops on SIGHUP like on Ctrl-C, and closes the inspector it opened', async () => {
    const target = await startNodeTarget(tmp.dir, kind);
    const db = join(tmp.dir, `hup-${kind}.db`);
    const hog = startHog(['watch', String(target.pid), '--heap', '--force', '-i', '0.2', '--db', db]);
    // SIGHUP in the middle of a reading: while the target's inspector is open
    await waitFor(() => target.ports().length > 0 || undefined, 'an inspector reading', 15_000, 5);
    hog.child.kill('SIGHUP');
    expect(await hog.done).toBe(0);
    expect(hog.stdout()).toMatch(/hog watch: run \d+, .* \(stopped\)/);
    await expectAliveWithoutInspector(target);
  });
});

describe('hog watch --heap', () => {
  it('uses an inspector that was open before and leaves it open', async () => {
    const target = await startNodeTarget(tmp.dir, 'cjs', { nodeArgs: ['--inspect=127.0.0.1:0'] });
    const ports = await waitFor(() => (target.ports().length > 0 ? target.ports() : undefined), 'the port');
    const db = join(tmp.dir, 'already.db');
    const result = await runHog(['watch', String(target.pid), '--heap', '-d', '2', '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`127.0.0.1:${ports[0]} (already open)`);
    expect(last(db, 'heap_used')).toBeGreaterThan(8 * MiB);
    expect(target.ports()).toEqual(ports);
    expect(target.alive()).toBe(true);
  });

  it('without --force records no heap and says why, and the SIGUSR1 handler did not fire', async () => {
    const fired = join(tmp.dir, 'fired');
    const target = await startNodeTarget(tmp.dir, 'esm', { usr1File: fired });
    const db = join(tmp.dir, 'handler.db');
    const result = await runHog(['watch', String(target.pid), '--heap', '-d', '2', '--json', '--db', db]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { notes: { kind: string; text: string }[] };
    expect(out.notes).toContainEqual(
      expect.objectContaining({
        kind: 'heap',
        text: expect.stringContaining(
          `no V8 heap for PID ${target.pid} (node): hog cannot tell whether PID ${target.pid} handles SIGUSR1 itself`,
        ),
      }),
    );
    expect(storedSamples(db, undefined, 'heap_used')).toEqual([]);
    expect(existsSync(fired)).toBe(false);
    await expectAliveWithoutInspector(target, 500);
  });

  it('records a process that is not Node.js without a heap, and says why', async () => {
    const target = spawnCommand('sleep', ['30']);
    try {
      const db = join(tmp.dir, 'sleep.db');
      const result = await runHog(['watch', String(target.pid), '--heap', '-d', '2', '--json', '--db', db]);
      expect(result.code).toBe(0);
      const out = JSON.parse(result.stdout) as { notes: { kind: string; text: string }[] };
      expect(out.notes).toContainEqual(
        expect.objectContaining({
          kind: 'heap',
          text: `no V8 heap for PID ${target.pid} (sleep): PID ${target.pid} is not a Node.js process (/usr/bin/sleep) (hog reads the V8 heap of Node.js processes only; find them with pgrep -a node)`,
        }),
      );
      expect(storedSamples(db).length).toBeGreaterThanOrEqual(2);
      expect(storedSamples(db, undefined, 'heap_used')).toEqual([]);
    } finally {
      await target.stop();
    }
  });
});
