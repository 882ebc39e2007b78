import { describe, expect, it } from 'vitest';
import { computeDominators } from '../../src/heap/dominators.js';
import { type SyntheticNode, syntheticGraph } from './syntheticGraph.js';

/** A small deterministic PRNG, so a failing graph can be reproduced from its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomGraph(seed: number): SyntheticNode[] {
  const rand = random(seed);
  const count = 2 + Math.floor(rand() * 14);
  const nodes: SyntheticNode[] = [];
  for (let i = 0; i < count; i++)
    nodes.push({ name: `n${i}`, size: 1 + Math.floor(rand() * 100), edges: [] });
  const edges = Math.floor(rand() * count * 2.5);
  for (let k = 0; k < edges; k++) {
    const from = Math.floor(rand() * count);
    const to = Math.floor(rand() * count);
    const type = rand() < 0.15 ? 'weak' : rand() < 0.1 ? 'shortcut' : 'property';
    nodes[from]?.edges?.push({ to, type });
  }
  return nodes;
}

/** Reachable from 0 over retaining edges (no weak; shortcut only from the root), never entering `removed`. */
function reachableWithout(nodes: SyntheticNode[], removed: number): boolean[] {
  const seen = nodes.map(() => false);
  if (removed === 0) return seen;
  const stack = [0];
  seen[0] = true;
  while (stack.length > 0) {
    const from = stack.pop() as number;
    for (const edge of nodes[from]?.edges ?? []) {
      if (edge.type === 'weak' || (edge.type === 'shortcut' && from !== 0)) continue;
      if (edge.to === removed || seen[edge.to]) continue;
      seen[edge.to] = true;
      stack.push(edge.to);
    }
  }
  return seen;
}

describe('computeDominators', () => {
  it('matches a brute-force computation on 400 random graphs', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const nodes = randomGraph(seed);
      const { idom, retained, reachable } = computeDominators(syntheticGraph(nodes));
      const base = reachableWithout(nodes, -1);
      // d dominates n iff n is reachable and removing d makes n unreachable
      const dominates = nodes.map((_, d) => {
        const without = reachableWithout(nodes, d);
        return nodes.map((__, n) => base[n] === true && (d === n || without[n] === false));
      });
      for (let n = 1; n < nodes.length; n++) {
        expect(reachable[n] === 1, `seed ${seed} node ${n} reachable`).toBe(base[n]);
        if (!base[n]) continue;
        // the immediate dominator is the strict dominator that every other strict dominator dominates
        const strict = nodes.map((_, d) => d).filter((d) => d !== n && dominates[d]?.[n]);
        const immediate = strict.find((d) => strict.every((o) => o === d || dominates[o]?.[d]));
        expect(idom[n], `seed ${seed} node ${n}`).toBe(immediate);
        // retained size: the sizes of every node it dominates
        const expected = nodes.reduce((sum, node, m) => sum + (dominates[n]?.[m] ? node.size : 0), 0);
        expect(retained[n], `seed ${seed} retained of ${n}`).toBe(expected);
      }
      const total = nodes.reduce((sum, node) => sum + node.size, 0);
      expect(retained[0], `seed ${seed} root retains everything`).toBe(total);
    }
  });

  it('hangs nodes held only weakly below the root, with what they alone hold', () => {
    const { idom, retained, reachable } = computeDominators(
      syntheticGraph([
        { name: 'root', size: 0, edges: [{ to: 1 }, { to: 2, type: 'weak' }] },
        { name: 'A', size: 10 },
        { name: 'weakly held', size: 20, edges: [{ to: 3 }] },
        { name: 'child of weakly held', size: 5 },
      ]),
    );
    expect([...reachable]).toEqual([1, 1, 0, 0]);
    expect([...idom]).toEqual([0, 0, 0, 2]);
    expect([...retained]).toEqual([35, 10, 25, 5]);
  });

  it('gives a diamond to the node where its paths split', () => {
    const { idom, retained } = computeDominators(
      syntheticGraph([
        { name: 'root', size: 0, edges: [{ to: 1 }] },
        { name: 'top', size: 1, edges: [{ to: 2 }, { to: 3 }] },
        { name: 'left', size: 2, edges: [{ to: 4 }] },
        { name: 'right', size: 4, edges: [{ to: 4 }] },
        { name: 'bottom', size: 8 },
      ]),
    );
    expect([...idom]).toEqual([0, 0, 1, 1, 1]);
    expect([...retained]).toEqual([15, 15, 2, 4, 8]);
  });
});
