/**
 * hog heap leak PID and hog heap summary PID on real running processes (CommonJS and ES module):
 * hog takes the snapshots itself through the inspector, drives the load between them, finds the
 * LeakyThings held by the Map, leaves the process alive with no inspector port open, and removes
 * its snapshots.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LeakReport } from '../../src/heap/leakClusters.js';
import { FIXTURES, json, runHog } from '../helpers/hog.js';
import { waitFor } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'hog-heap-leak-pid-'));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function startServer(file: string): Promise<{ pid: number; rounds: string; child: ChildProcess }> {
  const rounds = join(dir, `${file}.rounds`);
  const child = spawn(process.execPath, [`${FIXTURES}heap/${file}`, rounds], { stdio: 'ignore' });
  children.push(child);
  await waitFor(() => {
    try {
      return readFileSync(rounds, 'utf8') === '0';
    } catch {
      return false;
    }
  }, `${file} to start`);
  return { pid: child.pid as number, rounds, child };
}

/** TCP ports the process listens on (its inspector would be one), from its own /proc/PID/net/tcp. */
function listeningInodes(pid: number): string[] {
  const sockets = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter((inode) => inode !== undefined),
  );
  return readFileSync(`/proc/${pid}/net/tcp`, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[3] === '0A' && sockets.has(f[9] as string))
    .map((f) => f[9] as string);
}

describe.each([
  ['CommonJS', 'leaky-server.cjs'],
  ['ES module', 'leaky-server.mjs'],
])('hog heap leak PID, %s target', (_kind, file) => {
  it('drives the load, finds the LeakyThings in the Map, leaves the process as it was', async () => {
    const { pid, rounds, child } = await startServer(file);
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    // one leak round per load run; the load waits until the program has done it
    const load = `kill -USR2 ${pid}; n=$(cat ${rounds}); i=0; while [ "$(cat ${rounds})" = "$n" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done`;
    const result = await runHog(
      ['heap', 'leak', String(pid), '--sigusr1', '--load', load, '--json', '--top', '1000'],
      {
        env: { TMPDIR: tmp },
        timeoutMs: 90_000,
      },
    );
    const report = json<LeakReport & { pid: number }>(result);
    expect(report.pid).toBe(pid);
    const leaky = report.clusters.filter((c) => c.className === 'LeakyThing');
    expect(leaky).toHaveLength(1);
    // round 1 ran between A and B (200 objects), round 2 between B and C (not in B)
    expect(leaky[0]?.count).toBe(200);
    expect(leaky[0]?.path.map((s) => `${s.edgeName}>${s.className}`)).toContain('leaks>Map');
    expect(report.clusters.filter((c) => c.path.some((s) => s.className === 'TransientThing'))).toEqual([]);
    expect(readFileSync(rounds, 'utf8')).toBe('2');
    // alive, inspector closed, snapshots removed
    expect(child.exitCode).toBeNull();
    expect(() => process.kill(pid, 0)).not.toThrow();
    await waitFor(() => listeningInodes(pid).length === 0, 'the inspector port to close', 15_000);
    expect(readdirSync(tmp)).toEqual([]);
  }, 120_000);
});

describe('hog heap summary PID', () => {
  it('summarises a snapshot it takes of a running process, keeping it with --keep', async () => {
    const { pid } = await startServer('leaky-server.cjs');
    process.kill(pid, 'SIGUSR2');
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    await waitFor(() => readFileSync(join(dir, 'leaky-server.cjs.rounds'), 'utf8') === '1', 'one leak round');
    const result = await runHog(
      ['heap', 'summary', String(pid), '--sigusr1', '--keep', '--json', '--top', '100000'],
      {
        env: { TMPDIR: tmp },
        timeoutMs: 60_000,
      },
    );
    const summary = json<{ file: string; rows: { name: string; count: number }[] }>(result);
    expect(summary.file).toBe(`PID ${pid}`);
    expect(summary.rows.find((r) => r.name === 'LeakyThing')?.count).toBe(200);
    const kept = readdirSync(tmp);
    expect(kept).toHaveLength(1);
    expect(readdirSync(join(tmp, kept[0] as string))).toEqual(['snapshot.heapsnapshot']);
    expect(result.stderr).toContain(`hog heap summary: snapshots kept in ${join(tmp, kept[0] as string)}`);
  }, 90_000);

  it('refuses a PID that is not a Node.js process', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(child);
    const result = await runHog(['heap', 'summary', String(child.pid), '--sigusr1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^hog: .*not .*Node\.js/m);
  });
});
