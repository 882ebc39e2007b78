/**
 * hog watch --heap on real Node.js processes run from script files (CommonJS and ES module): the V8
 * heap read through an inspector opened and closed for each reading, compared with the process's own
 * figures; the target alive afterwards with no port left, also when hog is stopped by SIGHUP (a dropped
 * SSH session); an inspector that was open before left open; a process that is not Node.js, or one
 * whose SIGUSR1 handler hog cannot rule out, recorded without a heap with the reason.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listeningPorts } from '../../src/inspector/discovery.js';
import { HOG_BIN, runHog, startHog, stopStartedHogs } from '../helpers/hog.js';
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
    // a reading at the start, then every 2 s: 3 in 5 s (2 when a reading takes over half a second on a
    // loaded machine), each with an inspector opened and closed again for it
    const readings = storedSamples(db, undefined, 'heap_used').length;
    expect([2, 3]).toContain(readings);
    expect(target.stderr().match(/^Debugger listening on/gm)?.length).toBe(readings);
    expect(target.stderr().match(/^Debugger ending on/gm)?.length).toBe(readings);
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

describe('hog watch --heap on port 9229 (hog and the target in a network namespace of their own)', () => {
  const ns = `hog-watch-heap-${process.pid}`;
  const started: ReturnType<typeof spawn>[] = [];
  const inNs = (args: string[]) => spawnSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8' });
  afterAll(() => {
    for (const child of started) child.kill('SIGKILL');
    spawnSync('ip', ['netns', 'delete', ns]);
  });
  /** A Node.js script without inspector flags (port 9229 by default), started inside the namespace. */
  async function start(): Promise<number> {
    const file = join(tmp.dir, `ns-${started.length}.cjs`);
    writeFileSync(
      file,
      "globalThis.k = Array.from({ length: 200000 }, (_, i) => ({ i }));\nsetInterval(() => {}, 1000); process.stdout.write('ready\\n');\n",
    );
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, file], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    started.push(child);
    await new Promise((r) => child.stdout?.once('data', r));
    return child.pid as number; // ip netns exec execs the command: the same PID
  }

  it('opens and closes 9229 with --force, and uses one an earlier SIGUSR1 opened, leaving it open', async (context) => {
    if (spawnSync('ip', ['netns', 'add', ns]).status !== 0) {
      console.log('skipped: cannot create a network namespace (ip netns add) here');
      context.skip();
    }
    inNs(['ip', 'link', 'set', 'lo', 'up']);
    const fresh = await start();
    const db = join(tmp.dir, 'ns.db');
    const opened = inNs([HOG_BIN, 'watch', String(fresh), '--heap', '--force', '-d', '2', '--db', db]);
    expect(opened.status).toBe(0);
    expect(opened.stdout).toContain(
      `PID ${fresh} (node): V8 heap through the inspector on 127.0.0.1:9229 (opened with SIGUSR1 for each reading)`,
    );
    expect(listeningPorts(fresh, '/proc')).toEqual([]);

    const earlier = await start();
    process.kill(earlier, 'SIGUSR1');
    await waitFor(() => listeningPorts(earlier, '/proc').includes(9229), 'the inspector on 9229');
    const used = inNs([HOG_BIN, 'watch', String(earlier), '--heap', '-d', '2', '--db', db]);
    expect(used.status).toBe(0);
    expect(used.stdout).toContain(
      `PID ${earlier} (node): V8 heap through the inspector on 127.0.0.1:9229 (already open)`,
    );
    expect(listeningPorts(earlier, '/proc')).toEqual([9229]);
  });
});
