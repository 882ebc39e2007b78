/**
 * The heap by class, as DevTools' Summary view and guppy's heap() print it: count, shallow size and
 * retained size per class. A class's retained size follows DevTools (HeapSnapshot.ts,
 * calculateClassesRetainedSize): the retained sizes of its objects that no other object of the same
 * class dominates, so an object inside another of its class is not counted twice.
 */
import type { Classes } from './classes.js';
import type { Dominators } from './dominators.js';
import { type HeapGraph, ROOT } from './heapGraph.js';
import { WalkStack } from './walkStack.js';

export interface SummaryRow {
  name: string;
  count: number;
  shallowSize: number;
  retainedSize: number;
}

export interface HeapSummary {
  nodeCount: number;
  /** Sum of every object's shallow (self) size. */
  totalSize: number;
  rows: SummaryRow[];
}

/** Children lists of the dominator tree: node n's are kids[start[n] .. start[n + 1] - 1]. */
function dominatorChildren(idom: Uint32Array): { start: Uint32Array; kids: Uint32Array } {
  const n = idom.length;
  const start = new Uint32Array(n + 1);
  for (let i = 1; i < n; i++) {
    const slot = (idom[i] as number) + 1;
    start[slot] = (start[slot] as number) + 1;
  }
  for (let i = 0; i < n; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
  const fill = start.slice(0, n);
  const kids = new Uint32Array(Math.max(0, n - 1));
  for (let i = 1; i < n; i++) {
    const parent = idom[i] as number;
    kids[fill[parent] as number] = i;
    fill[parent] = (fill[parent] as number) + 1;
  }
  return { start, kids };
}

/** Per class: retained size of its objects not dominated by another object of that class. */
export function classRetainedSizes(classes: Classes, dominators: Dominators): Float64Array {
  const sizes = new Float64Array(classes.names.length);
  const n = classes.of.length;
  if (n === 0) return sizes;
  const { start, kids } = dominatorChildren(dominators.idom);
  // how many nodes of each class are on the path from the root to the current node
  const inside = new Uint32Array(classes.names.length);
  // per level of the dominator tree: the node and its next child
  const stack = new WalkStack(n);
  stack.push(ROOT, start[ROOT] as number);
  while (stack.top >= 0) {
    const top = stack.top;
    const node = stack.nodes[top] as number;
    const next = stack.cursors[top] as number;
    if (next < (start[node + 1] as number)) {
      stack.cursors[top] = next + 1;
      const child = kids[next] as number;
      const c = classes.of[child] as number;
      if (inside[c] === 0) sizes[c] = (sizes[c] as number) + (dominators.retained[child] as number);
      inside[c] = (inside[c] as number) + 1;
      stack.push(child, start[child] as number);
    } else {
      if (node !== ROOT) {
        const c = classes.of[node] as number;
        inside[c] = (inside[c] as number) - 1;
      }
      stack.top--;
    }
  }
  return sizes;
}

export function summarize(graph: HeapGraph, dominators: Dominators, classes: Classes): HeapSummary {
  const count = new Float64Array(classes.names.length);
  const shallow = new Float64Array(classes.names.length);
  let totalSize = 0;
  for (let n = 0; n < graph.nodeCount; n++) {
    const c = classes.of[n] as number;
    const size = graph.selfSizes[n] as number;
    count[c] = (count[c] as number) + 1;
    shallow[c] = (shallow[c] as number) + size;
    totalSize += size;
  }
  const retained = classRetainedSizes(classes, dominators);
  const rows: SummaryRow[] = [];
  classes.names.forEach((name, c) => {
    if (count[c] === 0) return;
    rows.push({
      name,
      count: count[c] as number,
      shallowSize: shallow[c] as number,
      retainedSize: retained[c] as number,
    });
  });
  return { nodeCount: graph.nodeCount, totalSize, rows };
}
