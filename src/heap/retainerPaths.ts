/**
 * Shortest retainer paths from the GC roots: a breadth-first walk from the root over the edges that
 * retain (no weak edges, shortcut edges only from the root, as for dominators), recording for every
 * node the node and edge it was first reached by. Following those back gives a shortest path.
 */
import { type HeapGraph, ROOT } from './heapGraph.js';

export const NO_PARENT = 0xffffffff;

export interface RetainerTree {
  parentNode: Uint32Array;
  parentEdge: Uint32Array;
}

export function shortestRetainers(graph: HeapGraph): RetainerTree {
  const n = graph.nodeCount;
  const parentNode = new Uint32Array(n).fill(NO_PARENT);
  const parentEdge = new Uint32Array(n).fill(NO_PARENT);
  if (n === 0) return { parentNode, parentEdge };
  const queue = new Uint32Array(n);
  let head = 0;
  let tail = 0;
  queue[tail++] = ROOT;
  parentNode[ROOT] = ROOT;
  while (head < tail) {
    const from = queue[head++] as number;
    const end = graph.firstEdge[from + 1] as number;
    for (let e = graph.firstEdge[from] as number; e < end; e++) {
      const to = graph.edgeTargets[e] as number;
      if (parentNode[to] !== NO_PARENT || !graph.isEssentialEdge(from, e)) continue;
      parentNode[to] = from;
      parentEdge[to] = e;
      queue[tail++] = to;
    }
  }
  return { parentNode, parentEdge };
}

/** The path to a node as [edge, node] steps from the root (the root itself not included). */
export function pathTo(tree: RetainerTree, node: number): { edge: number; node: number }[] {
  const steps: { edge: number; node: number }[] = [];
  let at = node;
  while (at !== ROOT && tree.parentNode[at] !== NO_PARENT) {
    steps.push({ edge: tree.parentEdge[at] as number, node: at });
    at = tree.parentNode[at] as number;
  }
  return steps.reverse();
}
