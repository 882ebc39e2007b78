/**
 * Matching objects across snapshots of one process by V8's node id (stable for an object's
 * lifetime, never reused: HeapObjectsMap), as DevTools' Comparison view does.
 */
import type { HeapGraph } from './heapGraph.js';

/** The snapshot's ids in ascending order, for membership tests by binary search. */
export class IdSet {
  private readonly sorted: Uint32Array;

  constructor(graph: HeapGraph) {
    this.sorted = graph.nodeIds.slice().sort();
  }

  has(id: number): boolean {
    const ids = this.sorted;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const value = ids[mid] as number;
      if (value === id) return true;
      if (value < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}
