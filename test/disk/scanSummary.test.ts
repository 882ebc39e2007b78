/**
 * The folded summary of a real walked tree: many directories of many files stay within the node budget
 * (a budget that ran out once went negative and kept everything: 32,541 nodes for /usr/share), no bytes
 * are lost by folding, and no level below the third is kept.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type SummaryNode, summarizeScan } from '../../src/disk/scanSummary.js';
import { DiskTree } from '../../src/disk/tree.js';
import { walk } from '../../src/disk/walk.js';
import { isHogError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), `hog-scan-summary-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nodes(node: SummaryNode): number {
  let n = 1;
  for (const c of node.children ?? []) n += nodes(c);
  return n;
}

function depth(node: SummaryNode): number {
  let d = 0;
  for (const c of node.children ?? []) d = Math.max(d, depth(c) + 1);
  return d;
}

/** Every directory's children (with "(N more)") add up to it, less its own blocks and files folded in. */
function childrenSum(node: SummaryNode): number {
  let sum = 0;
  for (const c of node.children ?? []) sum += c.bytes;
  return sum;
}

async function walked(root: string): Promise<DiskTree> {
  const { raw } = await walk({
    roots: [root],
    oneFileSystem: true,
    excludes: [],
    skipDevs: [],
    keepDepth: -1,
    topFiles: 0,
    byApparent: false,
    threads: 4,
  });
  return new DiskTree(raw);
}

describe('summarizeScan', () => {
  it('keeps 300 chains of single children within 200 nodes (one child each once the budget is spent)', async () => {
    const root = join(dir, 'chains');
    for (let i = 0; i < 300; i++) {
      mkdirSync(join(root, `d${i}`, 's'), { recursive: true });
      writeFileSync(join(root, `d${i}`, 's', 'f'), Buffer.alloc(1000 + i));
    }
    const tree = await walked(root);
    const summary = summarizeScan(tree, { basis: 'apparent', depth: 3, maxNodes: 200, now: Date.now() });
    expect(nodes(summary.tree)).toBeLessThanOrEqual(200);
    expect(summary.tree.bytes).toBe(tree.totals().apparentBytes);
    expect(summary.tree.children?.at(-1)?.name).toMatch(/^\(\d+ more\)$/);
  });

  it('keeps a tree of 40 x 40 directories of files within 200 nodes and 3 levels, nothing lost', async () => {
    const root = join(dir, 'many');
    for (let a = 0; a < 40; a++)
      for (let b = 0; b < 40; b++) {
        mkdirSync(join(root, `a${a}`, `b${b}`, 'c'), { recursive: true });
        writeFileSync(join(root, `a${a}`, `b${b}`, 'c', 'f'), Buffer.alloc(100 * (a + 1) + b));
      }
    const { raw } = await walk({
      roots: [root],
      oneFileSystem: true,
      excludes: [],
      skipDevs: [],
      keepDepth: -1,
      topFiles: 0,
      byApparent: false,
      threads: 4,
    });
    const tree = new DiskTree(raw);
    const summary = summarizeScan(tree, { basis: 'apparent', depth: 3, maxNodes: 200, now: Date.now() });
    expect(nodes(summary.tree)).toBeLessThanOrEqual(200);
    expect(depth(summary.tree)).toBe(3);
    expect(summary.tree.bytes).toBe(tree.totals().apparentBytes);
    expect(summary.entries).toBe(1 + 40 + 40 * 40 * 3);
    // the root keeps its 40 children, largest first (a39 has the largest files); lower down, the
    // budget runs short: a directory keeps some children and folds the rest into "(N more)"
    const top = summary.tree.children ?? [];
    expect(top.map((c) => c.name)).toEqual(Array.from({ length: 40 }, (_, i) => `a${39 - i}`));
    const folded = top.find((c) => /^\(\d+ more\)$/.test(c.children?.at(-1)?.name ?? ''));
    const kept = (folded?.children?.length ?? 0) - 1;
    expect(folded?.children?.at(-1)?.name).toBe(`(${40 - kept} more)`);
    // nothing lost: the children add up to the directory, less its own size
    const own = statSync(join(root, folded?.name as string)).size;
    expect(childrenSum(folded as SummaryNode)).toBe((folded?.bytes as number) - own);
    // with no budget left, a directory is a leaf that still holds its bytes
    const leaf = top.at(-1) as SummaryNode;
    expect(leaf.children).toBeUndefined();
    expect(leaf.bytes).toBe(
      tree.bytes(
        tree.children(tree.roots()[0] as number).find((c) => tree.name(c) === 'a0') as number,
        'apparent',
      ),
    );
  });

  it('says a path it could not read is not there (hog serve logs it), not an internal error', async () => {
    const tree = await walked(join(dir, 'removed-since'));
    let error: unknown;
    try {
      summarizeScan(tree, { basis: 'allocated', depth: 3, maxNodes: 200, now: 0 });
    } catch (e) {
      error = e;
    }
    expect(isHogError(error)).toBe(true);
    expect(isHogError(error) && [error.message, error.hint, error.exitCode]).toEqual([
      'nothing could be read at the scanned path',
      'check that it exists and that hog may read it',
      2,
    ]);
  });
});
