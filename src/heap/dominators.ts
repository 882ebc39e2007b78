/**
 * Dominator tree and retained sizes. The algorithm is Cooper, Harvey and Kennedy's "A Simple, Fast
 * Dominance Algorithm" (2001), as Chrome DevTools' HeapSnapshot uses it: number the nodes in
 * postorder of a depth-first walk from the root, then intersect the dominators of each node's
 * predecessors until nothing changes. Everything lives in typed arrays indexed by node ordinal or
 * postorder number; the walk uses an explicit stack (a heap graph is millions of nodes deep at worst).
 *
 * Retention follows DevTools: only essential edges count (no weak edges; shortcut edges only from
 * the root). Nodes the root does not reach that way (held only weakly, or garbage V8 has not yet
 * collected) are treated as the root's children, as DevTools does, so every node has a dominator and
 * the root's retained size is the whole heap. Their edges into live nodes are ignored: garbage does
 * not keep anything alive.
 */
import { type HeapGraph, ROOT } from './heapGraph.js';
import { WalkStack } from './walkStack.js';

export interface Dominators {
  /** The immediate dominator of each node (the root's is the root). */
  idom: Uint32Array;
  /** Retained size of each node: its own size plus that of every node it dominates. */
  retained: Float64Array;
  /** 1 for nodes the root reaches over essential edges. */
  reachable: Uint8Array;
}

const NONE = 0xffffffff;

/** Postorder numbering; nodes the root does not reach are walked afterwards as its children. */
function numberNodes(graph: HeapGraph): {
  order: Uint32Array;
  postOf: Uint32Array;
  rootChild: Uint8Array;
  reachable: Uint8Array;
} {
  const n = graph.nodeCount;
  const order = new Uint32Array(n);
  const postOf = new Uint32Array(n).fill(NONE);
  const visited = new Uint8Array(n);
  const rootChild = new Uint8Array(n);
  // per level: the node and its next edge
  const stack = new WalkStack(n);
  const { firstEdge, edgeTargets } = graph;
  let next = 0;
  const walk = (start: number): void => {
    stack.push(start, firstEdge[start] as number);
    visited[start] = 1;
    while (stack.top >= 0) {
      const top = stack.top;
      const node = stack.nodes[top] as number;
      const end = firstEdge[node + 1] as number;
      let e = stack.cursors[top] as number;
      while (e < end && (visited[edgeTargets[e] as number] === 1 || !graph.isEssentialEdge(node, e))) e++;
      if (e < end) {
        stack.cursors[top] = e + 1;
        const to = edgeTargets[e] as number;
        visited[to] = 1;
        stack.push(to, firstEdge[to] as number);
      } else {
        stack.top--;
        // the root is numbered last, after the unreachable nodes hung below it
        if (node !== ROOT) {
          order[next] = node;
          postOf[node] = next++;
        }
      }
    }
  };
  if (n === 0) return { order, postOf, rootChild, reachable: visited };
  walk(ROOT);
  const reachable = visited.slice();
  for (let node = 0; node < n; node++) {
    if (visited[node] === 1) continue;
    rootChild[node] = 1;
    walk(node);
  }
  order[next] = ROOT;
  postOf[ROOT] = next;
  return { order, postOf, rootChild, reachable };
}

/** The iteration proper: the immediate dominator of each postorder number, as a postorder number. */
function iterate(graph: HeapGraph, numbering: ReturnType<typeof numberNodes>): Uint32Array {
  const n = graph.nodeCount;
  const { order, postOf, rootChild, reachable } = numbering;
  const { first, nodes: retainers } = graph.essentialRetainers();
  const rootPost = n - 1;
  // doms is indexed by postorder number, as in the paper
  const doms = new Uint32Array(n).fill(NONE);
  if (n > 0) doms[rootPost] = rootPost;
  let changed = true;
  while (changed) {
    changed = false;
    for (let b = rootPost - 1; b >= 0; b--) {
      const node = order[b] as number;
      let idom = rootChild[node] === 1 ? rootPost : NONE;
      const live = reachable[node] === 1;
      const end = first[node + 1] as number;
      for (let r = first[node] as number; r < end; r++) {
        const retainer = retainers[r] as number;
        // garbage that points at a live object does not keep it alive
        if (live && reachable[retainer] === 0) continue;
        const p = postOf[retainer] as number;
        if (doms[p] === NONE) continue;
        if (idom === NONE) {
          idom = p;
          continue;
        }
        // intersect: climb the two fingers until they meet
        let f1 = p;
        let f2 = idom;
        while (f1 !== f2) {
          while (f1 < f2) f1 = doms[f1] as number;
          while (f2 < f1) f2 = doms[f2] as number;
        }
        idom = f1;
      }
      if (idom !== NONE && doms[b] !== idom) {
        doms[b] = idom;
        changed = true;
      }
    }
  }
  return doms;
}

export function computeDominators(graph: HeapGraph): Dominators {
  const n = graph.nodeCount;
  const numbering = numberNodes(graph);
  const doms = iterate(graph, numbering);
  // memory is tightest here on a big snapshot: the retainer lists (4 bytes an edge) are done with, and
  // postOf's buffer becomes idom (both indexed by node)
  graph.dropRetainers();
  const { order, reachable } = numbering;
  const idom = numbering.postOf;
  const retained = graph.selfSizes.slice();
  const rootPost = n - 1;
  if (n > 0) idom[ROOT] = ROOT;
  for (let b = 0; b < rootPost; b++) {
    const node = order[b] as number;
    const dominator = order[doms[b] as number] as number;
    idom[node] = dominator;
    retained[dominator] = (retained[dominator] as number) + (retained[node] as number);
  }
  return { idom, retained, reachable };
}
