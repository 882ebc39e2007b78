/**
 * The heap graph as views over flat typed arrays (as memlab's HeapNode/HeapEdge read V8's arrays, but
 * with nodes and edges addressed by ordinal and no object per node): node n's outgoing edges are
 * edges firstEdge[n] .. firstEdge[n + 1] - 1; retainers (reverse edges) are built on demand into the
 * same shape. Node 0 is V8's synthetic root.
 */
import type { RawSnapshot } from './snapshotParser.js';

export const ROOT = 0;

export class HeapGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Node n's edges are firstEdge[n] .. firstEdge[n + 1] - 1. */
  readonly firstEdge: Uint32Array;
  readonly nodeTypes: Uint8Array;
  readonly nodeNames: Uint32Array;
  readonly nodeIds: Uint32Array;
  readonly selfSizes: Float64Array;
  readonly edgeTypes: Uint8Array;
  readonly edgeNames: Uint32Array;
  readonly edgeTargets: Uint32Array;
  readonly strings: readonly string[];
  readonly nodeTypeNames: readonly string[];
  readonly edgeTypeNames: readonly string[];
  readonly raw: RawSnapshot;
  private readonly weakType: number;
  private readonly shortcutType: number;
  private readonly elementType: number;
  private readonly hiddenType: number;
  private retainers: { first: Uint32Array; nodes: Uint32Array } | undefined;

  constructor(raw: RawSnapshot) {
    this.raw = raw;
    this.nodeCount = raw.nodeNames.length;
    this.edgeCount = raw.edgeTargets.length;
    this.nodeTypes = raw.nodeTypes;
    this.nodeNames = raw.nodeNames;
    this.nodeIds = raw.nodeIds;
    this.selfSizes = raw.selfSizes;
    this.edgeTypes = raw.edgeTypes;
    this.edgeNames = raw.edgeNames;
    this.edgeTargets = raw.edgeTargets;
    this.strings = raw.strings;
    this.nodeTypeNames = raw.layout.nodeTypes;
    this.edgeTypeNames = raw.layout.edgeTypes;
    // the parser leaves one spare slot after the edge counts: the offsets replace them in place (a
    // 2 GB snapshot has ~30M nodes, 120 MB per Uint32 column), and raw.nodeEdgeCounts is consumed
    const counts = raw.nodeEdgeCounts;
    const n = this.nodeCount;
    const spare = counts.byteOffset + (n + 1) * 4 <= counts.buffer.byteLength;
    this.firstEdge = spare
      ? new Uint32Array(counts.buffer, counts.byteOffset, n + 1)
      : new Uint32Array(n + 1);
    let edge = 0;
    for (let i = 0; i < n; i++) {
      const count = counts[i] as number;
      this.firstEdge[i] = edge;
      edge += count;
    }
    this.firstEdge[n] = edge;
    this.weakType = this.edgeTypeNames.indexOf('weak');
    this.shortcutType = this.edgeTypeNames.indexOf('shortcut');
    this.elementType = this.edgeTypeNames.indexOf('element');
    this.hiddenType = this.edgeTypeNames.indexOf('hidden');
  }

  typeName(node: number): string {
    return this.nodeTypeNames[this.nodeTypes[node] as number] ?? '?';
  }

  name(node: number): string {
    return this.strings[this.nodeNames[node] as number] ?? '';
  }

  id(node: number): number {
    return this.nodeIds[node] as number;
  }

  selfSize(node: number): number {
    return this.selfSizes[node] as number;
  }

  /**
   * Does this edge keep its target alive? As DevTools' HeapSnapshot.isEssentialEdge: weak edges do
   * not, and shortcut edges (links V8 adds for display, e.g. from a global proxy) count only from
   * the root, where they mark the user's global objects.
   */
  isEssentialEdge(from: number, edge: number): boolean {
    const type = this.edgeTypes[edge];
    return type !== this.weakType && (type !== this.shortcutType || from === ROOT);
  }

  edgeTypeName(edge: number): string {
    return this.edgeTypeNames[this.edgeTypes[edge] as number] ?? '?';
  }

  /** Element and hidden edges carry an index; the others a name from the string table. */
  edgeHasIndex(edge: number): boolean {
    const type = this.edgeTypes[edge];
    return type === this.elementType || type === this.hiddenType;
  }

  /** The edge's name or index as text; "" when the snapshot was read without edge names. */
  edgeName(edge: number): string {
    if (this.edgeNames.length === 0) return '';
    const value = this.edgeNames[edge] as number;
    return this.edgeHasIndex(edge) ? String(value) : (this.strings[value] ?? '');
  }

  /** The essential retainers of every node: node n's are retainerNodes[first[n] .. first[n + 1] - 1]. */
  essentialRetainers(): { first: Uint32Array; nodes: Uint32Array } {
    if (this.retainers) return this.retainers;
    const n = this.nodeCount;
    const counts = new Uint32Array(n + 1);
    let total = 0;
    for (let from = 0; from < n; from++) {
      const end = this.firstEdge[from + 1] as number;
      for (let e = this.firstEdge[from] as number; e < end; e++) {
        if (!this.isEssentialEdge(from, e)) continue;
        const to = this.edgeTargets[e] as number;
        counts[to] = (counts[to] as number) + 1;
        total++;
      }
    }
    const first = new Uint32Array(n + 1);
    for (let i = 0, sum = 0; i <= n; i++) {
      first[i] = sum;
      sum += counts[i] as number;
    }
    const nodes = new Uint32Array(total);
    const fill = counts;
    fill.set(first.subarray(0, n));
    for (let from = 0; from < n; from++) {
      const end = this.firstEdge[from + 1] as number;
      for (let e = this.firstEdge[from] as number; e < end; e++) {
        if (!this.isEssentialEdge(from, e)) continue;
        const to = this.edgeTargets[e] as number;
        nodes[fill[to] as number] = from;
        fill[to] = (fill[to] as number) + 1;
      }
    }
    this.retainers = { first, nodes };
    return this.retainers;
  }

  /** Free the retainer lists (rebuilt on the next essentialRetainers call). */
  dropRetainers(): void {
    this.retainers = undefined;
  }

  /** Sum of all self sizes: the heap the snapshot describes. */
  totalSize(): number {
    let sum = 0;
    for (let i = 0; i < this.nodeCount; i++) sum += this.selfSizes[i] as number;
    return sum;
  }
}
