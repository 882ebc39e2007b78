/** A snapshot file, read and analysed: the graph and its dominator tree (retained sizes). */
import { computeDominators, type Dominators } from './dominators.js';
import { HeapGraph } from './heapGraph.js';
import { IdSet } from './nodeIds.js';
import { type ReadOptions, readSnapshot } from './readSnapshot.js';

export interface AnalysedHeap {
  graph: HeapGraph;
  dominators: Dominators;
}

export async function analyseSnapshot(file: string, options: ReadOptions = {}): Promise<AnalysedHeap> {
  const graph = new HeapGraph(await readSnapshot(file, options));
  return { graph, dominators: computeDominators(graph) };
}

/** Only the object ids of a snapshot (for the first two of memlab's three): the graph is dropped. */
export async function readSnapshotIds(file: string, options: ReadOptions = {}): Promise<IdSet> {
  return new IdSet(new HeapGraph(await readSnapshot(file, { ...options, edgeNames: false })));
}
