/**
 * Which class a heap object belongs to, for grouping: its constructor name as DevTools' Summary shows
 * it (HeapSnapshot.ts, HeapNode.className: objects and native objects by name, hidden ones as
 * "(system)", code as "(compiled code)", the rest by type in parentheses, all string kinds as
 * "(string)"), or its node type. Every node gets a class number in one typed array.
 */
import type { HeapGraph } from './heapGraph.js';

export interface Classes {
  /** Class number of each node. */
  of: Uint32Array;
  names: string[];
}

const STRING_TYPES = new Set(['string', 'concatenated string', 'sliced string']);

/** DevTools' label for nodes of a type that are not grouped by name; undefined for named ones. */
function typeLabel(type: string): string | undefined {
  if (type === 'object' || type === 'native') return undefined;
  if (type === 'hidden') return '(system)';
  if (type === 'code') return '(compiled code)';
  if (STRING_TYPES.has(type)) return '(string)';
  return `(${type})`;
}

/** Interns class names; a name seen before gets its number back. */
class ClassTable {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  intern(name: string): number {
    let at = this.index.get(name);
    if (at === undefined) {
      at = this.names.length;
      this.names.push(name);
      this.index.set(name, at);
    }
    return at;
  }
}

export function classesByConstructor(graph: HeapGraph): Classes {
  const table = new ClassTable();
  const byType = graph.nodeTypeNames.map((type) => {
    const label = typeLabel(type);
    return label === undefined ? -1 : table.intern(label);
  });
  // object names repeat a lot: one lookup per distinct string, not per node
  const byString = new Int32Array(graph.strings.length).fill(-1);
  const of = new Uint32Array(graph.nodeCount);
  for (let n = 0; n < graph.nodeCount; n++) {
    const fixed = byType[graph.nodeTypes[n] as number] as number;
    if (fixed >= 0) {
      of[n] = fixed;
      continue;
    }
    const s = graph.nodeNames[n] as number;
    let c = byString[s] as number;
    if (c < 0) {
      c = table.intern(graph.strings[s] ?? '');
      byString[s] = c;
    }
    of[n] = c;
  }
  return { of, names: table.names };
}

export function classesByType(graph: HeapGraph): Classes {
  return { of: Uint32Array.from(graph.nodeTypes), names: [...graph.nodeTypeNames] };
}

/**
 * guppy's by-referrer view (heapy's byrcs): objects grouped by their class and the classes of what
 * retains them, e.g. "LeakyThing <- Map". Up to three retainer classes, in name order.
 */
export function classesByRetainer(graph: HeapGraph, constructors: Classes): Classes {
  const table = new ClassTable();
  const { first, nodes } = graph.essentialRetainers();
  const of = new Uint32Array(graph.nodeCount);
  const seen = new Set<number>();
  for (let n = 0; n < graph.nodeCount; n++) {
    seen.clear();
    const end = first[n + 1] as number;
    for (let r = first[n] as number; r < end; r++) seen.add(constructors.of[nodes[r] as number] as number);
    const names = [...seen].map((c) => constructors.names[c] as string).sort();
    const shown = names.length > 3 ? [...names.slice(0, 3), `${names.length - 3} more`] : names;
    const own = constructors.names[constructors.of[n] as number] as string;
    of[n] = table.intern(`${own} <- ${shown.length > 0 ? shown.join(', ') : '(nothing)'}`);
  }
  return { of, names: table.names };
}
