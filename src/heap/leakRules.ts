/**
 * Which new-and-surviving objects are trivia, not leaks worth a cluster: small rule objects in one
 * ordered list (as memlab's leak filters). The first rule that matches names why an object was left
 * out; the report counts objects per rule, so nothing disappears unexplained.
 */
import type { HeapGraph } from './heapGraph.js';

export interface TriviaRule {
  id: string;
  description: string;
  matches(graph: HeapGraph, node: number, type: string, name: string): boolean;
}

const STRING_TYPES = new Set(['string', 'concatenated string', 'sliced string']);

export const TRIVIA_RULES: readonly TriviaRule[] = [
  {
    id: 'strings',
    description: 'strings (their holder is the leak, not the text)',
    matches: (_g, _n, type) => STRING_TYPES.has(type),
  },
  {
    id: 'numbers',
    description: 'heap numbers and bigints',
    matches: (_g, _n, type, name) => type === 'number' || type === 'bigint' || name === 'heap number',
  },
  {
    id: 'code',
    description: 'compiled code, bytecode and feedback (V8 compiles and caches as it runs)',
    matches: (_g, _n, type) => type === 'code',
  },
  {
    id: 'hidden',
    description: 'hidden objects V8 keeps for itself',
    matches: (_g, _n, type) => type === 'hidden' || type === 'synthetic',
  },
  {
    id: 'v8-arrays',
    description: "arrays internal to V8 (an object's property and element stores, hash tables)",
    matches: (_g, _n, type) => type === 'array',
  },
  {
    id: 'object-shapes',
    description: 'hidden classes (maps) and other object shapes',
    matches: (_g, _n, type) => type === 'object shape',
  },
  {
    id: 'system',
    description: 'system objects ("system / ..." : contexts, shared function infos, scripts)',
    matches: (_g, _n, _type, name) => name.startsWith('system / '),
  },
];

/** The rule that makes this node trivia, or undefined for a node worth reporting. */
export function triviaRule(graph: HeapGraph, node: number): TriviaRule | undefined {
  const type = graph.typeName(node);
  const name = graph.name(node);
  return TRIVIA_RULES.find((rule) => rule.matches(graph, node, type, name));
}
