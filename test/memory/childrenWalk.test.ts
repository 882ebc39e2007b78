/**
 * Finding a process's descendants from /proc/PID/task/TID/children: on a real tree of processes (a
 * child, a grandchild, a child forked by another thread), a parent that dies, and the parser on text.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildrenWalk, THREADS_MS } from '../../src/memory/childrenWalk.js';
import { parseChildren } from '../../src/proc/children.js';
import { readStat } from '../../src/proc/stat.js';
import { skipWithout } from '../helpers/capabilities.js';
import { FIXTURES } from '../helpers/hog.js';
import { waitFor } from '../helpers/processes.js';

/**
 * A Node.js process with a shell child that has a sleeping child of its own; on a line on stdin, a
 * worker thread forks one more child. It prints the PIDs as JSON lines.
 */
const TREE = `
const { spawn } = require('child_process');
const { Worker } = require('worker_threads');
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
const sh = spawn('sh', ['-c', 'sleep 30 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
sh.stdout.once('data', (d) => say({ sh: sh.pid, grandchild: Number(String(d).trim()) }));
sh.on('exit', () => say({ shExited: true }));
process.stdin.on('data', () => {
  const code = "const c = require('child_process').spawn('sleep', ['30'], { stdio: 'ignore' }); require('worker_threads').parentPort.postMessage(c.pid)";
  new Worker(code, { eval: true }).on('message', (pid) => say({ threadChild: pid }));
});`;

const started: ChildProcess[] = [];
afterEach(() => {
  // each tree is its own process group: the sleeps go with it
  for (const child of started.splice(0)) if (child.pid) process.kill(-child.pid, 'SIGKILL');
});

function startTree() {
  const node = spawn(process.execPath, ['-e', TREE], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
  started.push(node);
  let out = '';
  node.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const said = <T>(key: string) =>
    waitFor(
      () =>
        out
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .find((o) => key in o) as T | undefined,
      key,
    );
  return { node, pid: node.pid as number, said };
}

const noChildrenFiles = skipWithout('children files', () =>
  ChildrenWalk.supported('/proc', process.pid)
    ? undefined
    : 'this kernel has no /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN)',
);

describe.skipIf(noChildrenFiles)('ChildrenWalk', () => {
  it('finds children and grandchildren, not the siblings of the root, each with its start time', async () => {
    const tree = startTree();
    const { sh, grandchild } = await tree.said<{ sh: number; grandchild: number }>('sh');
    const sibling = spawn('sleep', ['30'], { stdio: 'ignore', detached: true });
    started.push(sibling);
    const walk = new ChildrenWalk('/proc', () => 0);
    const trees = walk.walk([tree.pid, sh]);
    expect(trees.get(tree.pid)?.map((p) => p.pid)).toEqual([sh, grandchild]);
    // a root inside another root's tree has its own tree too (hog watch of a parent and its child)
    expect(trees.get(sh)).toEqual([
      { pid: grandchild, ppid: sh, startTicks: readStat(grandchild).startTimeTicks, comm: 'sleep' },
    ]);
    expect(walk.walk([sh]).get(sh)).toEqual([
      { pid: grandchild, ppid: sh, startTicks: readStat(grandchild).startTimeTicks, comm: 'sleep' },
    ]);
    walk.close();
  });

  it('finds a child forked by another thread, once the list of threads is renewed', async () => {
    const tree = startTree();
    const { sh, grandchild } = await tree.said<{ sh: number; grandchild: number }>('sh');
    let now = 0;
    const walk = new ChildrenWalk('/proc', () => now);
    expect(pidsUnder(walk, tree.pid)).toEqual([sh, grandchild]);
    tree.node.stdin?.write('\n');
    const { threadChild } = await tree.said<{ threadChild: number }>('threadChild');
    now += THREADS_MS;
    expect(pidsUnder(walk, tree.pid)?.sort()).toEqual([sh, grandchild, threadChild].sort());
    walk.close();
  });

  it('drops a grandchild whose parent died (it now belongs to another reaper)', async () => {
    const tree = startTree();
    const { sh, grandchild } = await tree.said<{ sh: number; grandchild: number }>('sh');
    const walk = new ChildrenWalk('/proc', () => 0);
    expect(pidsUnder(walk, tree.pid)).toEqual([sh, grandchild]);
    process.kill(sh, 'SIGKILL');
    await tree.said('shExited'); // reaped by its parent
    expect(existsSync(`/proc/${grandchild}`)).toBe(true);
    expect(walk.walk([tree.pid]).get(tree.pid)).toEqual([]);
    walk.close();
  });

  it('says a process was created since the last look (loadavg’s last PID moved)', () => {
    const walk = new ChildrenWalk('/proc', () => 0);
    expect(walk.created()).toBe(true); // the first look
    spawnSync('true');
    expect(walk.created()).toBe(true);
    walk.close();
  });
});

/** The PIDs the walk finds under `root`, in its order. */
const pidsUnder = (walk: ChildrenWalk, root: number) =>
  walk
    .walk([root])
    .get(root)
    ?.map((p) => p.pid);

describe('children files', () => {
  it('parses the PIDs of a children file, and names the file of a malformed one', () => {
    expect(parseChildren('812 813 ')).toEqual([812, 813]);
    expect(parseChildren('')).toEqual([]);
    expect(() => parseChildren('812 x ', '/proc/7/task/7/children')).toThrow(
      /\/proc\/7\/task\/7\/children.*malformed children list: "812 x "/,
    );
  });

  it('tells a tree without children files, and leaves the question open for a process that is gone', () => {
    // the captured tree has /proc/1 but no task directory: the question stays open, never a wrong "no"
    expect(ChildrenWalk.supported(`${FIXTURES}machine/proc`, 1)).toBeUndefined();
    expect(ChildrenWalk.supported('/proc', 0x3fffffff)).toBeUndefined();
    // a thread without a children file: this kernel has none
    const tree = mkdtempSync(join(tmpdir(), 'hog-children-'));
    mkdirSync(join(tree, '7/task/7'), { recursive: true });
    expect(ChildrenWalk.supported(tree, 7)).toBe(false);
    rmSync(tree, { recursive: true });
  });
});
