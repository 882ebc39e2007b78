/**
 * hog watch --heap on real Node.js processes: the V8 heap read through the inspector that SIGUSR1
 * opens, compared with the process's own process.memoryUsage(); the inspector closed again afterwards
 * (or left open when it was open before); a process that is not Node.js recorded without a heap.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listeningPorts } from '../../src/inspector/discovery.js';
import { runHog } from '../helpers/hog.js';
import { spawnCommand, waitFor } from '../helpers/processes.js';
import { storedSamples, tempDir } from '../helpers/store.js';

const tmp = tempDir('watch-heap');
const MiB = 1024 * 1024;
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  tmp.remove();
});

/**
 * A Node.js process with about 20 MiB of small objects on its heap and a 32 MiB Buffer outside it.
 * Each line on its stdin makes it print its own process.memoryUsage() as JSON ("gc": after gc()).
 */
async function spawnHeapHolder(nodeArgs: string[] = []) {
  const code = `
    const keep = []; for (let i = 0; i < 300000; i++) keep.push({ i, s: 'item ' + i });
    globalThis.keep = keep; globalThis.b = Buffer.alloc(32 * 1024 * 1024, 1);
    process.stdin.on('data', (d) => {
      if (String(d).startsWith('gc')) gc();
      process.stdout.write(JSON.stringify(process.memoryUsage()) + '\\n');
    });
    process.stdout.write('ready\\n');`;
  const child = spawn(process.execPath, ['--expose-gc', ...nodeArgs, '-e', code], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await waitFor(() => stdout.includes('ready'), 'the heap holder to start');
  return {
    pid: child.pid as number,
    stderr: () => stderr,
    alive: () => child.exitCode === null && child.signalCode === null,
    /** Its own process.memoryUsage(), asked over stdin; after a full collection with `collect`. */
    async memoryUsage(collect = false): Promise<NodeJS.MemoryUsage> {
      const before = stdout.length;
      child.stdin.write(collect ? 'gc\n' : '?\n');
      const line = await waitFor(
        () =>
          stdout
            .slice(before)
            .split('\n')
            .find((l) => l.startsWith('{')),
        'memoryUsage',
      );
      return JSON.parse(line) as NodeJS.MemoryUsage;
    },
  };
}

const last = (db: string, metric: string) => storedSamples(db, undefined, metric).at(-1)?.value;

describe('hog watch --heap', () => {
  it('records the heap of a running Node.js process through the inspector it opens, then closes it', async () => {
    const target = await spawnHeapHolder();
    const db = join(tmp.dir, 'opened.db');
    expect(listeningPorts(target.pid, '/proc')).toEqual([]);
    const result = await runHog(['watch', String(target.pid), '--heap', '-i', '0.5', '-d', '4', '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^hog watch: PID ${target.pid} \\(node\\): V8 heap through the inspector on 127\\.0\\.0\\.1:\\d+ \\(opened with SIGUSR1\\)$`,
        'm',
      ),
    );
    // hog's figures against the process's own, read right after (nothing allocates meanwhile)
    const own = await target.memoryUsage();
    expect(storedSamples(db, undefined, 'heap_used').length).toBeGreaterThanOrEqual(5);
    // array buffers: the 32 MiB Buffer and a few bytes of stdin's (which the question itself moved)
    expect(Math.abs((last(db, 'array_buffers') as number) - own.arrayBuffers)).toBeLessThan(64 * 1024);
    expect(last(db, 'array_buffers')).toBeGreaterThanOrEqual(32 * MiB);
    expect(last(db, 'external')).toBeGreaterThanOrEqual(32 * MiB);
    expect(last(db, 'heap_used')).toBeGreaterThan(10 * MiB);
    // heap used moves with garbage and collections: at least what the process retains (its own figure
    // after a full collection), at most the heap's size; the heap's size is the process's own, give or take
    const retained = await target.memoryUsage(true);
    expect(last(db, 'heap_used')).toBeGreaterThanOrEqual(0.9 * retained.heapUsed);
    expect(last(db, 'heap_used')).toBeLessThanOrEqual(last(db, 'heap_total') as number);
    expect(Math.abs((last(db, 'heap_total') as number) - own.heapTotal)).toBeLessThan(0.25 * own.heapTotal);
    // the process carries on, with its inspector closed again
    expect(target.stderr()).toMatch(/^Debugger listening on ws:\/\/127\.0\.0\.1:\d+\//m);
    await waitFor(() => listeningPorts(target.pid, '/proc').length === 0, 'no listening socket');
    expect(target.alive()).toBe(true);
  });

  /** hog watch --heap of a target whose inspector is open before hog comes: used, and left open. */
  async function watchesOpenInspector(target: Awaited<ReturnType<typeof spawnHeapHolder>>, name: string) {
    const ports = await waitFor(() => {
      const p = listeningPorts(target.pid, '/proc');
      return p.length > 0 ? p : undefined;
    }, 'the inspector port');
    const db = join(tmp.dir, `${name}.db`);
    const result = await runHog(['watch', String(target.pid), '--heap', '-d', '2', '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`127.0.0.1:${ports[0]} (already open)`);
    expect(last(db, 'heap_used')).toBeGreaterThan(10 * MiB);
    expect(listeningPorts(target.pid, '/proc')).toEqual(ports);
    expect(target.alive()).toBe(true);
  }

  it('uses an inspector that was already open and leaves it open', async () => {
    await watchesOpenInspector(await spawnHeapHolder(['--inspect=127.0.0.1:0']), 'already');
  });

  it('finds an inspector that an earlier SIGUSR1 opened (no new port appears) and leaves it open', async () => {
    const target = await spawnHeapHolder();
    process.kill(target.pid, 'SIGUSR1');
    await watchesOpenInspector(target, 'earlier');
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
          text: `no V8 heap for PID ${target.pid} (sleep): not a Node.js process (/usr/bin/sleep)`,
        }),
      );
      expect(storedSamples(db).length).toBeGreaterThanOrEqual(2);
      expect(storedSamples(db, undefined, 'heap_used')).toEqual([]);
    } finally {
      await target.stop();
    }
  });
});
