/**
 * The inspector session against real Node.js processes run from script files (CommonJS and ES module):
 * a reading opens and closes the inspector and leaves the target alive (the old close threw
 * ReferenceError in ES modules ~50 ms after hog ended); a hog that vanishes without closing leaves the
 * port open at most LEASE_SECONDS; SIGUSR1 is refused where it would fire an application handler or
 * terminate the process, and a port held by another process is named.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attachInspector } from '../../src/inspector/attach.js';
import { LEASE_SECONDS } from '../../src/inspector/closeGuard.js';
import { readNodeHeap } from '../../src/inspector/heapReading.js';
import {
  expectAliveWithoutInspector,
  type ModuleKind,
  startNodeTarget,
  stopNodeTargets,
} from '../helpers/nodeTargets.js';
import { spawnCommand, waitFor } from '../helpers/processes.js';
import { tempDir } from '../helpers/store.js';

const tmp = tempDir('inspector-attach');
const MiB = 1024 * 1024;
afterAll(() => {
  stopNodeTargets();
  tmp.remove();
});

describe.each<ModuleKind>(['cjs', 'esm'])('a %s target', (kind) => {
  it('gives one heap reading through an inspector opened and closed for it, and lives on', async () => {
    const target = await startNodeTarget(tmp.dir, kind);
    expect(target.ports()).toEqual([]);
    const reading = await readNodeHeap(target.pid, '/proc', { force: true });
    expect(reading.openedByHog).toBe(true);
    expect(reading.usage?.pid).toBe(target.pid);
    // 200k objects of {i, s: 'item ' + i}: well over 8 MiB of heap, within the heap's size
    expect(reading.usage?.heapUsed).toBeGreaterThan(8 * MiB);
    expect(reading.usage?.heapUsed).toBeLessThanOrEqual(reading.usage?.heapTotal as number);
    expect(target.stderr()).toContain(`Debugger listening on ws://127.0.0.1:${reading.port}/`);
    await expectAliveWithoutInspector(target);
    expect(target.stderr()).not.toMatch(/Error/);
  });

  it('carries the close guard only while the inspector is open', async () => {
    const target = await startNodeTarget(tmp.dir, kind, { objects: 1000, beatMs: 20 });
    const attachment = await attachInspector(target.pid, '/proc', { force: true });
    const armedAt = target.stdout().length;
    await waitFor(() => target.stdout().slice(armedAt).includes('1'), 'the guard seen installed');
    await attachment.release();
    const releasedAt = target.stdout().length;
    await waitFor(() => target.stdout().length > releasedAt + 5, 'heartbeats after the close');
    expect(target.stdout().slice(releasedAt + 1)).toMatch(/^0+$/);
    await expectAliveWithoutInspector(target, 500);
  });

  it(`closes itself within ${LEASE_SECONDS} s when hog vanishes without closing it (SIGKILL)`, async () => {
    const target = await startNodeTarget(tmp.dir, kind, { objects: 1000 });
    const attachment = await attachInspector(target.pid, '/proc', { force: true });
    expect(target.ports()).toEqual([attachment.port]);
    await attachment.session.close(); // hog's side gone, the inspector left open: as after SIGKILL
    expect(target.ports()).toEqual([attachment.port]);
    await waitFor(
      () => target.ports().length === 0,
      'the guard to close the inspector',
      (LEASE_SECONDS + 3) * 1000,
    );
    await expectAliveWithoutInspector(target, 1000);
  });
});

describe('an inspector another hog left open', () => {
  it('is recognised by its guard, used without a signal, and closed at once', async () => {
    // a fixed port (--inspect-port) so that the next hog knows where to look, as with the default 9229
    const port = 40_000 + (process.pid % 20_000);
    const target = await startNodeTarget(tmp.dir, 'esm', {
      objects: 1000,
      nodeArgs: [`--inspect-port=${port}`],
    });
    const first = await attachInspector(target.pid, '/proc', { force: true });
    expect(first.port).toBe(port);
    await first.session.close(); // that hog was SIGKILLed: the guard's lease runs
    const reading = await readNodeHeap(target.pid, '/proc'); // no --force: no signal needed
    expect(reading).toMatchObject({ port, openedByHog: true });
    expect(target.ports()).toEqual([]);
    await expectAliveWithoutInspector(target, 500);
  });
});

describe('refusals', () => {
  it("refuses SIGUSR1 without --force, so an application's handler does not fire", async () => {
    const fired = join(tmp.dir, 'fired-1');
    const target = await startNodeTarget(tmp.dir, 'esm', { usr1File: fired, objects: 10 });
    await expect(attachInspector(target.pid, '/proc')).rejects.toThrow(
      `hog cannot tell whether PID ${target.pid} handles SIGUSR1 itself`,
    );
    // the handler writes the file synchronously when it fires: give a signal time to arrive
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(fired)).toBe(false);
    expect(target.ports()).toEqual([]);
  });

  it('with --force, says the inspector did not open when the application took the signal', async () => {
    const fired = join(tmp.dir, 'fired-2');
    const target = await startNodeTarget(tmp.dir, 'cjs', { usr1File: fired, objects: 10 });
    await expect(attachInspector(target.pid, '/proc', { force: true, openTimeoutMs: 1000 })).rejects.toThrow(
      `the inspector of PID ${target.pid} did not open within 1 s after SIGUSR1`,
    );
    await waitFor(() => existsSync(fired), 'the handler to fire');
    expect(target.alive()).toBe(true);
  });

  it('refuses even with --force a process that does not catch SIGUSR1 (it would die)', async () => {
    const file = join(tmp.dir, 'removed.mjs');
    // a listener added then removed: libuv restores SIG_DFL, which terminates the process
    writeFileSync(
      file,
      "const f = () => {}; process.on('SIGUSR1', f); process.off('SIGUSR1', f);\nsetInterval(() => {}, 1000); process.stdout.write('ready\\n');\n",
    );
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((r) => child.stdout.once('data', r));
      await expect(attachInspector(child.pid as number, '/proc', { force: true })).rejects.toThrow(
        `PID ${child.pid} does not catch SIGUSR1: the signal would terminate it`,
      );
      expect(child.exitCode).toBeNull();
      expect(child.signalCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('says a process that is not Node.js is not', async () => {
    const sleeper = spawnCommand('sleep', ['30']);
    try {
      await expect(attachInspector(sleeper.pid, '/proc', { force: true })).rejects.toThrow(
        `PID ${sleeper.pid} is not a Node.js process (/usr/bin/sleep)`,
      );
    } finally {
      await sleeper.stop();
    }
  });

  it('names the process that holds port 9229 (in a network namespace of its own)', async (context) => {
    const ns = `hog-insp-${process.pid}`;
    if (spawnSync('ip', ['netns', 'add', ns]).status !== 0) {
      console.log('skipped: cannot create a network namespace (ip netns add) here');
      context.skip();
    }
    const children: ReturnType<typeof spawn>[] = [];
    try {
      spawnSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
      const holderFile = join(tmp.dir, 'holder.cjs');
      writeFileSync(
        holderFile,
        "require('node:net').createServer().listen(9229, '127.0.0.1', () => process.stdout.write('ready\\n'));\n",
      );
      const targetFile = join(tmp.dir, 'plain.cjs');
      writeFileSync(targetFile, "setInterval(() => {}, 1000); process.stdout.write('ready\\n');\n");
      const start = async (file: string) => {
        const child = spawn('ip', ['netns', 'exec', ns, process.execPath, file], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        children.push(child);
        await new Promise((r) => child.stdout?.once('data', r));
        return child.pid as number; // ip netns exec execs the command: the same PID
      };
      const holder = await start(holderFile);
      const target = await start(targetFile);
      await expect(attachInspector(target, '/proc', { force: true })).rejects.toThrow(
        `port 127.0.0.1:9229, where the inspector of PID ${target} would open, is held by PID ${holder} ("node")`,
      );
    } finally {
      for (const child of children) child.kill('SIGKILL');
      spawnSync('ip', ['netns', 'delete', ns]);
    }
  });
});
