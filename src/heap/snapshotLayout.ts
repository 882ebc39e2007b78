/**
 * The field layout of a V8 heap snapshot, read from its `snapshot.meta` section: which column of the
 * flat `nodes`, `edges` and `locations` arrays holds what. V8 versions differ (Node 20 adds
 * `detachedness` to node_fields, older ones lack it, newer ones may add more), so hog never assumes
 * a position: it looks each field up by name and skips the ones it does not use.
 */

/** What the parser does with one column of a flat array (plain numbers: the parser's hot loop switches on them). */
export const Column = {
  Skip: 0,
  Type: 1,
  Name: 2,
  Id: 3,
  SelfSize: 4,
  EdgeCount: 5,
  ToNode: 6,
  LocationNode: 7,
  ScriptId: 8,
  Line: 9,
  ColumnNumber: 10,
} as const;
type ColumnKind = (typeof Column)[keyof typeof Column];

export interface SnapshotLayout {
  nodeFieldCount: number;
  edgeFieldCount: number;
  locationFieldCount: number;
  nodeColumns: Uint8Array;
  edgeColumns: Uint8Array;
  locationColumns: Uint8Array;
  nodeTypes: string[];
  edgeTypes: string[];
  nodeCount: number;
  edgeCount: number;
}

/** Why the meta section is unusable; the caller adds the file and offset. */
export class LayoutProblem extends Error {}

function stringList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new LayoutProblem(`snapshot.meta.${what} is not a list of names`);
  }
  return value as string[];
}

function columns(
  fields: string[],
  wanted: Record<string, ColumnKind>,
  required: string[],
  what: string,
): Uint8Array {
  const out = new Uint8Array(fields.length);
  fields.forEach((field, i) => {
    out[i] = wanted[field] ?? Column.Skip;
  });
  const missing = required.filter((name) => !fields.includes(name));
  if (missing.length > 0) throw new LayoutProblem(`snapshot.meta.${what} lacks ${missing.join(', ')}`);
  return out;
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new LayoutProblem(`snapshot.${what} is not a count`);
  }
  return value;
}

/** The layout from the parsed `snapshot` object (the small JSON head of the file). */
export function layoutOf(snapshot: unknown): SnapshotLayout {
  const head = snapshot as { meta?: Record<string, unknown>; node_count?: unknown; edge_count?: unknown };
  const meta = head?.meta;
  if (typeof meta !== 'object' || meta === null) throw new LayoutProblem('snapshot.meta is missing');
  const nodeFields = stringList(meta.node_fields, 'node_fields');
  const edgeFields = stringList(meta.edge_fields, 'edge_fields');
  const locationFields =
    meta.location_fields === undefined ? [] : stringList(meta.location_fields, 'location_fields');
  const nodeTypeSpec = meta.node_types as unknown[] | undefined;
  const edgeTypeSpec = meta.edge_types as unknown[] | undefined;
  const nodeTypes = stringList(nodeTypeSpec?.[nodeFields.indexOf('type')], 'node_types (of the type field)');
  const edgeTypes = stringList(edgeTypeSpec?.[edgeFields.indexOf('type')], 'edge_types (of the type field)');
  if (nodeTypes.length > 255 || edgeTypes.length > 255)
    throw new LayoutProblem('more than 255 node or edge types');
  return {
    nodeFieldCount: nodeFields.length,
    edgeFieldCount: edgeFields.length,
    locationFieldCount: locationFields.length,
    nodeColumns: columns(
      nodeFields,
      {
        type: Column.Type,
        name: Column.Name,
        id: Column.Id,
        self_size: Column.SelfSize,
        edge_count: Column.EdgeCount,
      },
      ['type', 'name', 'id', 'self_size', 'edge_count'],
      'node_fields',
    ),
    edgeColumns: columns(
      edgeFields,
      { type: Column.Type, name_or_index: Column.Name, to_node: Column.ToNode },
      ['type', 'name_or_index', 'to_node'],
      'edge_fields',
    ),
    locationColumns: columns(
      locationFields,
      {
        object_index: Column.LocationNode,
        script_id: Column.ScriptId,
        line: Column.Line,
        column: Column.ColumnNumber,
      },
      locationFields.length > 0 ? ['object_index', 'script_id', 'line', 'column'] : [],
      'location_fields',
    ),
    nodeTypes,
    edgeTypes,
    nodeCount: count(head.node_count, 'node_count'),
    edgeCount: count(head.edge_count, 'edge_count'),
  };
}
