/**
 * Where the parser's number rows go: the columns hog keeps of the `nodes`, `edges` and `locations`
 * arrays, each in a typed array of its own (node references turned into node ordinals), checked row
 * by row against the head's layout, and checked as a whole at the end.
 */
import { Column, type SnapshotLayout } from './snapshotLayout.js';

/** One snapshot, parsed: columns of nodes and edges, and the string table. */
export interface RawSnapshot {
  layout: SnapshotLayout;
  nodeTypes: Uint8Array;
  nodeNames: Uint32Array;
  nodeIds: Uint32Array;
  /** Float64: an ArrayBuffer's backing store may reach 4 GiB, past Uint32. */
  selfSizes: Float64Array;
  nodeEdgeCounts: Uint32Array;
  edgeTypes: Uint8Array;
  /** A string index, or the element index for element and hidden edges. */
  edgeNames: Uint32Array;
  /** The target's node ordinal (to_node divided by the node field count). */
  edgeTargets: Uint32Array;
  strings: string[];
  /** One row per location: node ordinal, script id, line and column (0-based, as V8 writes them). */
  locations: { node: Uint32Array; scriptId: Uint32Array; line: Uint32Array; column: Uint32Array };
}

type Section = 'nodes' | 'edges' | 'locations';

const UINT32_MAX = 0xffffffff;

export class ColumnStore {
  private section: Section = 'nodes';
  private values = new Float64Array(1);
  /** Positions of the kept columns in the current section's rows (-1: absent). */
  private at = {
    type: -1,
    name: -1,
    id: -1,
    selfSize: -1,
    edgeCount: -1,
    toNode: -1,
    node: -1,
    script: -1,
    line: -1,
    column: -1,
  };
  private readonly nodeTypes: Uint8Array;
  private readonly nodeNames: Uint32Array;
  private readonly nodeIds: Uint32Array;
  private readonly selfSizes: Float64Array;
  private readonly nodeEdgeCounts: Uint32Array;
  private edgeTypes = new Uint8Array(0);
  private edgeNames = new Uint32Array(0);
  private edgeTargets = new Uint32Array(0);
  private locationColumns: [Uint32Array, Uint32Array, Uint32Array, Uint32Array] | undefined;
  private locationRows = 0;

  constructor(
    private readonly layout: SnapshotLayout,
    private readonly keepEdgeNames = true,
    private readonly keepIds = true,
  ) {
    const n = layout.nodeCount;
    this.nodeTypes = new Uint8Array(n);
    this.nodeNames = new Uint32Array(n);
    this.nodeIds = new Uint32Array(keepIds ? n : 0);
    this.selfSizes = new Float64Array(n);
    // one slot more than nodes: HeapGraph turns the counts into first-edge offsets in place
    this.nodeEdgeCounts = new Uint32Array(n + 1);
  }

  /** Start a section; the parser fills `rowValues` with one row at a time and calls commit. */
  begin(section: Section): { rows: number; fieldCount: number; rowValues: Float64Array } {
    const layout = this.layout;
    this.section = section;
    if (section === 'edges') {
      const n = layout.edgeCount;
      this.edgeTypes = new Uint8Array(n);
      this.edgeNames = new Uint32Array(this.keepEdgeNames ? n : 0);
      this.edgeTargets = new Uint32Array(n);
    }
    if (section === 'locations')
      this.locationColumns = [0, 1, 2, 3].map(() => new Uint32Array(1024)) as never;
    const columns =
      section === 'nodes'
        ? layout.nodeColumns
        : section === 'edges'
          ? layout.edgeColumns
          : layout.locationColumns;
    const find = (kind: number) => columns.indexOf(kind);
    this.at = {
      type: find(Column.Type),
      name: find(Column.Name),
      id: find(Column.Id),
      selfSize: find(Column.SelfSize),
      edgeCount: find(Column.EdgeCount),
      toNode: find(Column.ToNode),
      node: find(Column.LocationNode),
      script: find(Column.ScriptId),
      line: find(Column.Line),
      column: find(Column.ColumnNumber),
    };
    this.values = new Float64Array(Math.max(1, columns.length));
    const rows =
      section === 'nodes'
        ? layout.nodeCount
        : section === 'edges'
          ? layout.edgeCount
          : Number.POSITIVE_INFINITY;
    return { rows, fieldCount: this.values.length, rowValues: this.values };
  }

  /** Store row `row` of the current section from rowValues; a message when a value is impossible. */
  commit(row: number): string | undefined {
    const v = this.values;
    const at = this.at;
    if (this.section === 'nodes') {
      const type = v[at.type] as number;
      const name = v[at.name] as number;
      const id = v[at.id] as number;
      const edges = v[at.edgeCount] as number;
      if (type >= this.layout.nodeTypes.length) return `node type ${type} is not in the head's list`;
      if (name > UINT32_MAX || id > UINT32_MAX || edges > UINT32_MAX)
        return `a value out of range in node ${row}`;
      this.nodeTypes[row] = type;
      this.nodeNames[row] = name;
      if (this.keepIds) this.nodeIds[row] = id;
      this.selfSizes[row] = v[at.selfSize] as number;
      this.nodeEdgeCounts[row] = edges;
      return undefined;
    }
    if (this.section === 'edges') {
      const type = v[at.type] as number;
      const name = v[at.name] as number;
      if (type >= this.layout.edgeTypes.length) return `edge type ${type} is not in the head's list`;
      if (name > UINT32_MAX) return `a value out of range in edge ${row}`;
      const target = this.nodeOrdinal(v[at.toNode] as number);
      if (typeof target === 'string') return target;
      this.edgeTypes[row] = type;
      if (this.keepEdgeNames) this.edgeNames[row] = name;
      this.edgeTargets[row] = target;
      return undefined;
    }
    return at.node >= 0 ? this.storeLocation(row) : undefined;
  }

  endLocations(rows: number): void {
    this.locationRows = rows;
  }

  /** V8 writes node references as offsets into the flat nodes array: a multiple of the field count. */
  private nodeOrdinal(index: number): number | string {
    const { nodeFieldCount, nodeCount } = this.layout;
    if (index % nodeFieldCount !== 0 || index >= nodeCount * nodeFieldCount) {
      return `reference ${index} is not the start of one of the ${nodeCount} nodes`;
    }
    return index / nodeFieldCount;
  }

  private storeLocation(row: number): string | undefined {
    let columns = this.locationColumns as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    if (row >= columns[0].length) {
      columns = columns.map((c) => {
        const grown = new Uint32Array(c.length * 2);
        grown.set(c);
        return grown;
      }) as typeof columns;
      this.locationColumns = columns;
    }
    const v = this.values;
    const node = this.nodeOrdinal(v[this.at.node] as number);
    if (typeof node === 'string') return node;
    columns[0][row] = node;
    columns[1][row] = v[this.at.script] as number;
    columns[2][row] = v[this.at.line] as number;
    columns[3][row] = v[this.at.column] as number;
    return undefined;
  }

  /** The whole snapshot, or what is inconsistent in it (edge counts, string indexes). */
  finish(strings: string[]): RawSnapshot | string {
    const count = strings.length;
    let edges = 0;
    for (let i = 0; i < this.nodeNames.length; i++) {
      edges += this.nodeEdgeCounts[i] as number;
      if ((this.nodeNames[i] as number) >= count)
        return `node ${i} names string ${this.nodeNames[i]}, past the ${count} strings`;
    }
    if (edges !== this.layout.edgeCount) {
      return `the nodes' edge counts add up to ${edges}, the head says ${this.layout.edgeCount} edges`;
    }
    const elementType = this.layout.edgeTypes.indexOf('element');
    const hiddenType = this.layout.edgeTypes.indexOf('hidden');
    for (let i = 0; i < this.edgeNames.length; i++) {
      const type = this.edgeTypes[i];
      if (type !== elementType && type !== hiddenType && (this.edgeNames[i] as number) >= count) {
        return `edge ${i} names string ${this.edgeNames[i]}, past the ${count} strings`;
      }
    }
    const rows = this.locationRows;
    const [node, scriptId, line, column] = (this.locationColumns ?? []).map((c) => c.subarray(0, rows));
    const empty = new Uint32Array(0);
    return {
      layout: this.layout,
      nodeTypes: this.nodeTypes,
      nodeNames: this.nodeNames,
      nodeIds: this.nodeIds,
      selfSizes: this.selfSizes,
      nodeEdgeCounts: this.nodeEdgeCounts.subarray(0, this.nodeNames.length),
      edgeTypes: this.edgeTypes,
      edgeNames: this.edgeNames,
      edgeTargets: this.edgeTargets,
      strings,
      locations: {
        node: node ?? empty,
        scriptId: scriptId ?? empty,
        line: line ?? empty,
        column: column ?? empty,
      },
    };
  }
}
