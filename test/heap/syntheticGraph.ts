/** Heap graphs built in memory for the analysis tests: nodes with sizes and typed, named edges. */
import { HeapGraph } from '../../src/heap/heapGraph.js';
import { layoutOf } from '../../src/heap/snapshotLayout.js';
import type { RawSnapshot } from '../../src/heap/snapshotParser.js';

export interface SyntheticNode {
  name: string;
  type?: string;
  size: number;
  id?: number;
  edges?: { to: number; type?: string; name?: string | number }[];
}

const NODE_TYPES = [
  'hidden',
  'array',
  'string',
  'object',
  'code',
  'closure',
  'regexp',
  'number',
  'native',
  'synthetic',
];
const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];

export function syntheticGraph(nodes: SyntheticNode[]): HeapGraph {
  const strings: string[] = [];
  const stringIndex = (s: string): number => {
    const at = strings.indexOf(s);
    if (at >= 0) return at;
    strings.push(s);
    return strings.length - 1;
  };
  const edgeCount = nodes.reduce((sum, n) => sum + (n.edges?.length ?? 0), 0);
  const layout = layoutOf({
    meta: {
      node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
      node_types: [NODE_TYPES, 'string', 'number', 'number', 'number'],
      edge_fields: ['type', 'name_or_index', 'to_node'],
      edge_types: [EDGE_TYPES, 'string_or_number', 'node'],
    },
    node_count: nodes.length,
    edge_count: edgeCount,
  });
  const raw: RawSnapshot = {
    layout,
    nodeTypes: new Uint8Array(nodes.length),
    nodeNames: new Uint32Array(nodes.length),
    nodeIds: new Uint32Array(nodes.length),
    selfSizes: new Float64Array(nodes.length),
    nodeEdgeCounts: new Uint32Array(nodes.length),
    edgeTypes: new Uint8Array(edgeCount),
    edgeNames: new Uint32Array(edgeCount),
    edgeTargets: new Uint32Array(edgeCount),
    strings,
    locations: {
      node: new Uint32Array(0),
      scriptId: new Uint32Array(0),
      line: new Uint32Array(0),
      column: new Uint32Array(0),
    },
  };
  let e = 0;
  nodes.forEach((node, i) => {
    raw.nodeTypes[i] = NODE_TYPES.indexOf(node.type ?? (i === 0 ? 'synthetic' : 'object'));
    raw.nodeNames[i] = stringIndex(node.name);
    raw.nodeIds[i] = node.id ?? i * 2 + 1;
    raw.selfSizes[i] = node.size;
    raw.nodeEdgeCounts[i] = node.edges?.length ?? 0;
    for (const edge of node.edges ?? []) {
      const type = edge.type ?? 'property';
      raw.edgeTypes[e] = EDGE_TYPES.indexOf(type);
      const name = edge.name ?? `e${e}`;
      raw.edgeNames[e] = typeof name === 'number' ? name : stringIndex(name);
      raw.edgeTargets[e] = edge.to;
      e++;
    }
  });
  return new HeapGraph(raw);
}
