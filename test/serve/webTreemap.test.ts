import { describe, expect, it } from 'vitest';
import { type Item, squarify, treemap } from '../../src/serve/web/treemap.js';
import type { ScanNode } from '../../src/serve/web/wire.js';
import { scanTree } from './webFixtures.js';

const items = (areas: number[]): Item[] =>
  areas.map((area, i) => ({ node: { name: `n${i}`, bytes: area }, name: `n${i}`, bytes: area, area }));

describe('squarify', () => {
  it('lays out the paper example (6x4, areas 6 6 4 3 2 2 1) as Bruls et al. draw it', () => {
    const placed = squarify(items([6, 6, 4, 3, 2, 2, 1]), { x: 0, y: 0, w: 6, h: 4 });
    const rects = placed.map(([item, r]) => [
      item.name,
      +r.x.toFixed(3),
      +r.y.toFixed(3),
      +r.w.toFixed(3),
      +r.h.toFixed(3),
    ]);
    expect(rects).toEqual([
      // first row: the two 6s stacked in a 3-wide column on the left
      ['n0', 0, 0, 3, 2],
      ['n1', 0, 2, 3, 2],
      // then 4 and 3 side by side along the top of the 3x4 left over
      ['n2', 3, 0, 1.714, 2.333],
      ['n3', 4.714, 0, 1.286, 2.333],
      // then 2 2 1 ... the 2s in a column, the 1 beside them
      ['n4', 3, 2.333, 1.2, 1.667],
      ['n5', 4.2, 2.333, 1.2, 1.667],
      ['n6', 5.4, 2.333, 0.6, 1.667],
    ]);
  });

  it('covers the rectangle exactly: the areas add up and no two cells overlap', () => {
    const placed = squarify(items([50, 25, 12, 8, 3, 2]), { x: 10, y: 20, w: 20, h: 5 });
    let area = 0;
    for (const [item, r] of placed) {
      expect(r.w * r.h).toBeCloseTo(item.area, 6);
      area += r.w * r.h;
      expect(r.x).toBeGreaterThanOrEqual(10 - 1e-9);
      expect(r.x + r.w).toBeLessThanOrEqual(30 + 1e-9);
      expect(r.y + r.h).toBeLessThanOrEqual(25 + 1e-9);
    }
    expect(area).toBeCloseTo(100, 6);
    for (const [, a] of placed) {
      for (const [, b] of placed) {
        if (a === b) continue;
        const overlapX = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
        const overlapY = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
        expect(overlapX <= 1e-9 || overlapY <= 1e-9).toBe(true);
      }
    }
  });
});

describe('treemap of a scan', () => {
  it('gives each entry its share of the area, files beside the directories, empty ones none', () => {
    const cells = treemap(scanTree, { x: 0, y: 0, w: 200, h: 100 }, { maxDepth: 1, header: 0 });
    const area = Object.fromEntries(cells.map((c) => [c.path, Math.round(c.w * c.h)]));
    expect(area).toEqual({ logs: 12000, cache: 6000, '(files)': 2000 });
    expect(cells.map((c) => c.parent)).toEqual([false, false, false]);
  });

  it('nests children inside their parent below its name strip', () => {
    const cells = treemap(scanTree, { x: 0, y: 0, w: 200, h: 100 }, { maxDepth: 2, header: 16 });
    const logs = cells.find((c) => c.path === 'logs');
    const a = cells.find((c) => c.path === 'logs/a.log');
    if (!logs || !a) throw new Error(`missing cells: ${cells.map((c) => c.path)}`);
    expect(logs.parent).toBe(true);
    expect(a.depth).toBe(2);
    expect(a.y).toBeGreaterThanOrEqual(logs.y + 16);
    expect(a.x + a.w).toBeLessThanOrEqual(logs.x + logs.w);
    // a.log is 40 of logs' 60 bytes: two thirds of the space inside logs
    const inner = (logs.w - 2) * (logs.h - 17);
    expect((a.w * a.h) / inner).toBeCloseTo(2 / 3, 6);
    // parents come before their children (the drawing order)
    expect(cells.indexOf(logs)).toBeLessThan(cells.indexOf(a));
  });

  it('gathers what is beyond maxChildren into one "(N more)" cell', () => {
    const tree: ScanNode = {
      name: '/',
      bytes: 1000,
      children: Array.from({ length: 10 }, (_, i) => ({ name: `d${i}`, bytes: 100 })),
    };
    const cells = treemap(tree, { x: 0, y: 0, w: 400, h: 300 }, { maxChildren: 4, maxDepth: 1 });
    expect(cells.map((c) => c.name).sort()).toEqual(['(6 more)', 'd0', 'd1', 'd2', 'd3']);
    expect(cells.find((c) => c.name === '(6 more)')?.bytes).toBe(600);
  });

  it('drops cells too small to see, and handles an empty tree', () => {
    const tree: ScanNode = {
      name: '/',
      bytes: 1001,
      children: [
        { name: 'big', bytes: 1000 },
        { name: 'tiny', bytes: 1 },
      ],
    };
    const cells = treemap(tree, { x: 0, y: 0, w: 100, h: 50 }, { minSide: 3 });
    expect(cells.map((c) => c.name)).toEqual(['big']);
    expect(treemap({ name: '/', bytes: 0 }, { x: 0, y: 0, w: 100, h: 50 })).toEqual([]);
  });
});
