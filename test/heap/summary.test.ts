import { describe, expect, it } from 'vitest';
import { classesByConstructor, classesByRetainer, classesByType } from '../../src/heap/classes.js';
import { compareSnapshots } from '../../src/heap/diff.js';
import { computeDominators } from '../../src/heap/dominators.js';
import { summarize } from '../../src/heap/summary.js';
import { syntheticGraph } from './syntheticGraph.js';

// root -> Cache (10) -> Node a (100) -> Node b (50, only through a) -> Leaf (7)
//      -> Other (20) -> Node c (30), also held by Cache: c is dominated by the root
const graph = syntheticGraph([
  { name: '', size: 0, edges: [{ to: 1, type: 'shortcut' }, { to: 5 }] },
  {
    name: 'Cache',
    size: 10,
    edges: [
      { to: 2, name: 'a' },
      { to: 6, name: 'c' },
    ],
  },
  { name: 'Node', size: 100, edges: [{ to: 3, name: 'next' }] },
  { name: 'Node', size: 50, edges: [{ to: 4, name: 'leaf' }] },
  { name: 'Leaf', size: 7 },
  {
    name: 'Other',
    size: 20,
    edges: [
      { to: 6, name: 'c' },
      { to: 7, type: 'weak' },
    ],
  },
  { name: 'Node', size: 30 },
  { name: 'hidden thing', type: 'hidden', size: 3 },
]);

describe('summarize', () => {
  const dominators = computeDominators(graph);

  it('counts a class retained size once for objects held by another of the same class (DevTools)', () => {
    const summary = summarize(graph, dominators, classesByConstructor(graph));
    const row = (name: string) => summary.rows.find((r) => r.name === name);
    expect(summary.totalSize).toBe(220);
    expect(summary.nodeCount).toBe(8);
    // a retains a (100) + b (50) + Leaf (7); b is inside a, not counted again; c retains 30
    expect(row('Node')).toEqual({ name: 'Node', count: 3, shallowSize: 180, retainedSize: 187 });
    expect(row('Cache')).toEqual({ name: 'Cache', count: 1, shallowSize: 10, retainedSize: 167 });
    expect(row('Other')).toEqual({ name: 'Other', count: 1, shallowSize: 20, retainedSize: 20 });
    // held only weakly: below the root, with its own size
    expect(row('(system)')).toEqual({ name: '(system)', count: 1, shallowSize: 3, retainedSize: 3 });
  });

  it('groups by node type and by the classes of the retainers (guppy by-referrer)', () => {
    const byType = summarize(graph, dominators, classesByType(graph));
    expect(byType.rows.map((r) => [r.name, r.count])).toEqual([
      ['hidden', 1],
      ['object', 6],
      ['synthetic', 1],
    ]);
    const byRetainer = summarize(graph, dominators, classesByRetainer(graph, classesByConstructor(graph)));
    const rows = new Map(byRetainer.rows.map((r) => [r.name, r.count]));
    expect(rows).toEqual(
      new Map([
        ['(synthetic) <- (nothing)', 1],
        ['(system) <- (nothing)', 1],
        ['Cache <- (synthetic)', 1],
        ['Leaf <- Node', 1],
        ['Node <- Cache', 1],
        ['Node <- Cache, Other', 1],
        ['Node <- Node', 1],
        ['Other <- (synthetic)', 1],
      ]),
    );
  });
});

describe('compareSnapshots', () => {
  it('counts new and deleted objects per constructor by node id', () => {
    const before = syntheticGraph([
      { name: '', size: 0, id: 1, edges: [{ to: 1 }, { to: 2 }] },
      { name: 'Order', size: 40, id: 11 },
      { name: 'Order', size: 40, id: 13 },
    ]);
    const after = syntheticGraph([
      { name: '', size: 0, id: 1, edges: [{ to: 1 }, { to: 2 }, { to: 3 }] },
      { name: 'Order', size: 40, id: 13 },
      { name: 'Order', size: 48, id: 21 },
      { name: 'Session', size: 64, id: 23 },
    ]);
    const diff = compareSnapshots(before, after);
    expect(diff.rows).toEqual([
      { name: 'Session', added: 1, deleted: 0, countDelta: 1, addedSize: 64, deletedSize: 0, sizeDelta: 64 },
      { name: 'Order', added: 1, deleted: 1, countDelta: 0, addedSize: 48, deletedSize: 40, sizeDelta: 8 },
    ]);
    expect(diff.before).toEqual({ nodeCount: 3, totalSize: 80 });
    expect(diff.after).toEqual({ nodeCount: 4, totalSize: 152 });
  });
});
