/**
 * Live heaps: a real Node.js child (CommonJS, then ES module) that keeps LeakyThing instances in a
 * module-level Map and frees TransientThing instances writes three snapshots of itself; hog heap
 * diff A B C must find the LeakyThings, held by the Map, and nothing for TransientThing.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { HeapDiff } from '../../src/heap/diff.js';
import type { LeakReport } from '../../src/heap/leakClusters.js';
import { FIXTURES, json, runHog } from '../helpers/hog.js';

interface Reply {
  done?: string;
  ready?: boolean;
  heapStatistics?: { used_heap_size: number };
  usedBefore?: number;
}

const dir = mkdtempSync(join(tmpdir(), 'hog-heap-leak-'));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Start the leaky program and a way to send it a message and wait for its reply (bounded). */
async function startLeaky(
  file: string,
  execArgv: string[] = [],
): Promise<(message: object) => Promise<Reply>> {
  const child = fork(`${FIXTURES}heap/${file}`, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv });
  children.push(child);
  const next = (): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${file} did not answer in 20 s`)), 20_000);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve(m as Reply);
      });
      child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
    });
  await next();
  return async (message) => {
    const reply = next();
    child.send(message);
    return reply;
  };
}

/** Warm up, snapshot A, leak 1000, snapshot B, leak 1000 more, snapshot C. */
async function threeSnapshots(
  file: string,
  tag: string,
  execArgv: string[] = [],
): Promise<{ files: string[]; last: Reply }> {
  const send = await startLeaky(file, execArgv);
  const files = ['a', 'b', 'c'].map((s) => join(dir, `${tag}-${s}.heapsnapshot`));
  await send({ work: 100 });
  await send({ snapshot: files[0] });
  await send({ work: 1000 });
  await send({ snapshot: files[1] });
  await send({ work: 1000 });
  const last = await send({ snapshot: files[2] });
  return { files, last };
}

describe.each([
  ['CommonJS', 'leaky.cjs'],
  ['ES module', 'leaky.mjs'],
])('hog heap on a leaking %s program', (kind, file) => {
  it('diff A B C: one LeakyThing cluster held by the Map, nothing for TransientThing', async () => {
    const { files } = await threeSnapshots(file, kind.replace(' ', '-'));
    const report = json<LeakReport>(await runHog(['heap', 'diff', ...files, '--json', '--top', '1000']));
    const leaky = report.clusters.filter((c) => c.className === 'LeakyThing');
    expect(leaky).toHaveLength(1);
    const cluster = leaky[0] as LeakReport['clusters'][number];
    // the 1000 allocated between A and B; the 1000 after B are not in B, the 100 before A are in A
    expect(cluster.count).toBe(1000);
    const names = cluster.path.map((s) => `${s.edgeName}>${s.className}`);
    expect(names).toContain('leaks>Map');
    expect(names.at(-1)).toBe(`${cluster.path.at(-1)?.edgeName}>LeakyThing`);
    const transient = report.clusters.filter((c) => c.path.some((s) => s.className === 'TransientThing'));
    expect(transient).toEqual([]);

    // the same objects by constructor: 2,100 LeakyThings alive in C, each retaining the same bytes
    const summary = json<{ rows: { name: string; count: number; retainedSize: number }[] }>(
      await runHog(['heap', 'summary', files[2] as string, '--json', '--top', '100000']),
    );
    const things = summary.rows.find((r) => r.name === 'LeakyThing');
    expect(things?.count).toBe(2100);
    expect(cluster.retainedSize).toBe(((things?.retainedSize as number) / 2100) * 1000);
    expect(summary.rows.find((r) => r.name === 'TransientThing')).toBeUndefined();

    // A -> B: 1000 new LeakyThings, none deleted; the TransientThings came and went in between
    const diff = json<HeapDiff>(
      await runHog(['heap', 'diff', files[0] as string, files[1] as string, '--json']),
    );
    expect(diff.rows.find((r) => r.name === 'LeakyThing')).toMatchObject({
      added: 1000,
      deleted: 0,
      countDelta: 1000,
    });
    expect(diff.rows.find((r) => r.name === 'TransientThing')).toBeUndefined();
  }, 60_000);
});

describe('hog heap summary of a live snapshot', () => {
  it("adds up every object's shallow size, close to V8's own used heap size", async () => {
    const { files, last } = await threeSnapshots('leaky.cjs', 'sizes', ['--expose-gc']);
    const file = files[2] as string;
    const result = json<{
      totalSize: number;
      nodeCount: number;
      rows: { shallowSize: number; count: number }[];
    }>(await runHog(['heap', 'summary', file, '--json', '--top', '100000']));
    // computed apart from hog: JSON.parse of the same file
    const snapshot = JSON.parse(readFileSync(file, 'utf8'));
    const fields: string[] = snapshot.snapshot.meta.node_fields;
    let total = 0;
    for (let i = fields.indexOf('self_size'); i < snapshot.nodes.length; i += fields.length)
      total += snapshot.nodes[i];
    expect(result.totalSize).toBe(total);
    expect(result.rows.reduce((sum, r) => sum + r.shallowSize, 0)).toBe(total);
    expect(result.rows.reduce((sum, r) => sum + r.count, 0)).toBe(snapshot.snapshot.node_count);
    // V8's used_heap_size, read after a full GC just before the snapshot: the snapshot also has
    // read-only-space objects (not in used_heap_size on Node 20, whose read-only heap is shared)
    // and off-heap native entries, and code space varies between GCs: 1-4% apart when measured
    const used = last.usedBefore as number;
    expect(Math.abs(total - used) / used).toBeLessThan(0.05);
  }, 60_000);
});
