/**
 * Two snapshots of one process compared per constructor, as DevTools' Comparison view: objects in
 * the second and not the first are new, those in the first and not the second deleted (matched by
 * node id), with their sizes.
 */
import { classesByConstructor } from './classes.js';
import type { HeapGraph } from './heapGraph.js';
import { IdSet } from './nodeIds.js';

export interface DiffRow {
  name: string;
  added: number;
  deleted: number;
  countDelta: number;
  addedSize: number;
  deletedSize: number;
  sizeDelta: number;
}

export interface HeapDiff {
  before: { nodeCount: number; totalSize: number };
  after: { nodeCount: number; totalSize: number };
  /** Classes with any new or deleted object, largest size change first. */
  rows: DiffRow[];
}

/** Count and size, per class name, of the nodes of `graph` whose id `other` lacks. */
function missingFrom(
  graph: HeapGraph,
  other: IdSet,
  into: Map<string, DiffRow>,
  side: 'added' | 'deleted',
): number {
  const classes = classesByConstructor(graph);
  const count = new Float64Array(classes.names.length);
  const size = new Float64Array(classes.names.length);
  let total = 0;
  for (let n = 0; n < graph.nodeCount; n++) {
    const self = graph.selfSizes[n] as number;
    total += self;
    if (other.has(graph.nodeIds[n] as number)) continue;
    const c = classes.of[n] as number;
    count[c] = (count[c] as number) + 1;
    size[c] = (size[c] as number) + self;
  }
  classes.names.forEach((name, c) => {
    if (count[c] === 0) return;
    let row = into.get(name);
    if (!row) {
      row = { name, added: 0, deleted: 0, countDelta: 0, addedSize: 0, deletedSize: 0, sizeDelta: 0 };
      into.set(name, row);
    }
    if (side === 'added') {
      row.added = count[c] as number;
      row.addedSize = size[c] as number;
    } else {
      row.deleted = count[c] as number;
      row.deletedSize = size[c] as number;
    }
  });
  return total;
}

export function compareSnapshots(before: HeapGraph, after: HeapGraph): HeapDiff {
  const rows = new Map<string, DiffRow>();
  const beforeTotal = missingFrom(before, new IdSet(after), rows, 'deleted');
  const afterTotal = missingFrom(after, new IdSet(before), rows, 'added');
  const list = [...rows.values()];
  for (const row of list) {
    row.countDelta = row.added - row.deleted;
    row.sizeDelta = row.addedSize - row.deletedSize;
  }
  list.sort(
    (a, b) =>
      Math.abs(b.sizeDelta) - Math.abs(a.sizeDelta) || b.added - a.added || a.name.localeCompare(b.name),
  );
  return {
    before: { nodeCount: before.nodeCount, totalSize: beforeTotal },
    after: { nodeCount: after.nodeCount, totalSize: afterTotal },
    rows: list,
  };
}
