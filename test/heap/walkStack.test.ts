import { describe, expect, it } from 'vitest';
import { computeDominators } from '../../src/heap/dominators.js';
import { WalkStack } from '../../src/heap/walkStack.js';
import { type SyntheticNode, syntheticGraph } from './syntheticGraph.js';

describe('WalkStack', () => {
  it('grows past its first 64 Ki levels, keeping every level, up to its capacity', () => {
    const stack = new WalkStack(200_000);
    for (let i = 0; i < 150_000; i++) stack.push(i, i * 2);
    expect(stack.top).toBe(149_999);
    expect(stack.nodes.length).toBe(200_000); // 65536 -> 131072 -> capped at 200000
    expect([stack.nodes[0], stack.cursors[0]]).toEqual([0, 0]);
    expect([stack.nodes[65_536], stack.cursors[65_536]]).toEqual([65_536, 131_072]);
    expect([stack.nodes[149_999], stack.cursors[149_999]]).toEqual([149_999, 299_998]);
  });

  it('walks a chain 100,000 objects deep: each dominates the rest', () => {
    const n = 100_000;
    const nodes: SyntheticNode[] = [];
    for (let i = 0; i < n; i++)
      nodes.push({ name: 'link', size: 1, edges: i + 1 < n ? [{ to: i + 1 }] : [] });
    const { idom, retained } = computeDominators(syntheticGraph(nodes));
    expect([idom[1], idom[70_000], idom[n - 1]]).toEqual([0, 69_999, n - 2]);
    expect([retained[0], retained[70_000], retained[n - 1]]).toEqual([n, n - 70_000, 1]);
  });
});
