/** A snapshot file, read and analysed: the graph and its dominator tree (retained sizes). */
import { computeDominators, type Dominators } from './dominators.js';
import { HeapGraph } from './heapGraph.js';
import { type ReadOptions, readSnapshot } from './readSnapshot.js';

export interface AnalysedHeap {
  graph: HeapGraph;
  dominators: Dominators;
}

export async function analyseSnapshot(file: string, options: ReadOptions = {}): Promise<AnalysedHeap> {
  const graph = new HeapGraph(await readSnapshot(file, options));
  return { graph, dominators: computeDominators(graph) };
}
