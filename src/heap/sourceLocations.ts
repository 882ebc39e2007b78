/**
 * Where a closure was defined, from the snapshot's `locations` section (V8 writes one for each
 * function when it has a script position): script id, line and column, 0-based. The script's name
 * comes from the graph itself: closure -shared-> SharedFunctionInfo -script-> Script -name-> string.
 */
import type { HeapGraph } from './heapGraph.js';

export interface SourceLocation {
  script: string;
  scriptId: number;
  /** 1-based, as editors count. */
  line: number;
  column: number;
}

function target(graph: HeapGraph, node: number, names: readonly string[]): number | undefined {
  const end = graph.firstEdge[node + 1] as number;
  for (let e = graph.firstEdge[node] as number; e < end; e++) {
    if (!graph.edgeHasIndex(e) && names.includes(graph.edgeName(e))) return graph.edgeTargets[e] as number;
  }
  return undefined;
}

export class SourceLocations {
  private readonly rowOf = new Map<number, number>();

  constructor(private readonly graph: HeapGraph) {
    const { node } = graph.raw.locations;
    for (let row = 0; row < node.length; row++) this.rowOf.set(node[row] as number, row);
  }

  get available(): boolean {
    return this.rowOf.size > 0;
  }

  of(node: number): SourceLocation | undefined {
    const row = this.rowOf.get(node);
    if (row === undefined) return undefined;
    const { scriptId, line, column } = this.graph.raw.locations;
    return {
      script: this.scriptName(node) ?? `script ${scriptId[row]}`,
      scriptId: scriptId[row] as number,
      line: (line[row] as number) + 1,
      column: (column[row] as number) + 1,
    };
  }

  private scriptName(closure: number): string | undefined {
    const shared = target(this.graph, closure, ['shared']);
    const script =
      shared === undefined ? undefined : target(this.graph, shared, ['script', 'script_or_debug_info']);
    const name = script === undefined ? undefined : target(this.graph, script, ['name', 'source_url']);
    const text = name === undefined ? '' : this.graph.name(name);
    return text === '' ? undefined : text;
  }
}
