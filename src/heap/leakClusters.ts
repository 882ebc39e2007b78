/**
 * memlab's three-snapshot method (facebook/memlab, "find leaks"): objects allocated between snapshot
 * A and snapshot B (ids absent from A, present in B) that are still alive in C are leak candidates.
 * Trivia (leakRules.ts) is left out, and so is a candidate reached only through another candidate
 * (it is part of that one's retained size). The rest are clustered by their shortest retainer path
 * from the GC roots, with element indexes folded, so 10,000 objects in one Map make one cluster.
 */
import { classesByConstructor } from './classes.js';
import type { Dominators } from './dominators.js';
import type { HeapGraph } from './heapGraph.js';
import { TRIVIA_RULES, triviaRule } from './leakRules.js';
import type { IdSet } from './nodeIds.js';
import { NO_PARENT, pathTo, shortestRetainers } from './retainerPaths.js';
import { type SourceLocation, SourceLocations } from './sourceLocations.js';

export interface PathStep {
  edgeType: string;
  /** Property or variable name, or the element index as text. */
  edgeName: string;
  className: string;
  /** The node's own name (for synthetic nodes such as "(GC roots)" more telling than the class). */
  name: string;
  type: string;
  id: number;
  location?: SourceLocation;
}

export interface LeakCluster {
  className: string;
  count: number;
  retainedSize: number;
  /** Shortest path from the GC roots to one object of the cluster, that object last. */
  path: PathStep[];
  sampleIds: number[];
}

export interface LeakReport {
  /** New between A and B, alive in C. */
  survivors: number;
  trivia: { rule: string; description: string; count: number }[];
  /** Candidates held only through another candidate. */
  heldByOther: number;
  /** Candidates the root does not reach. */
  unreachable: number;
  clusters: LeakCluster[];
}

const SAMPLE_IDS = 5;

/** `inA`, `inB`: the ids of snapshots A and B (their graphs need not stay in memory); `c` the last one. */
export function findLeaks(inA: IdSet, inB: IdSet, c: HeapGraph, dominators: Dominators): LeakReport {
  const { survivors, triviaCounts, candidate } = newSurvivors(inA, inB, c);
  const { clusters, heldByOther, unreachable } = clusterCandidates(c, candidate, dominators);
  return {
    survivors,
    trivia: TRIVIA_RULES.map((r) => ({
      rule: r.id,
      description: r.description,
      count: triviaCounts.get(r.id) ?? 0,
    })),
    heldByOther,
    unreachable,
    clusters: [...clusters.values()].sort((x, y) => y.retainedSize - x.retainedSize || y.count - x.count),
  };
}

/**
 * The objects of C new between A and B: counted, trivia counted by rule, and the rest marked
 * (candidate[n] = 1) as leak candidates.
 */
function newSurvivors(
  inA: IdSet,
  inB: IdSet,
  c: HeapGraph,
): { survivors: number; triviaCounts: Map<string, number>; candidate: Uint8Array } {
  const triviaCounts = new Map<string, number>();
  const candidate = new Uint8Array(c.nodeCount);
  let survivors = 0;
  for (let n = 0; n < c.nodeCount; n++) {
    const id = c.nodeIds[n] as number;
    if (inA.has(id) || !inB.has(id)) continue;
    survivors++;
    const rule = triviaRule(c, n);
    if (rule) triviaCounts.set(rule.id, (triviaCounts.get(rule.id) ?? 0) + 1);
    else candidate[n] = 1;
  }
  return { survivors, triviaCounts, candidate };
}

/**
 * The candidates by their shortest retainer path (element indexes folded), leaving out those the
 * roots do not reach and those held through another candidate.
 */
function clusterCandidates(
  c: HeapGraph,
  candidate: Uint8Array,
  dominators: Dominators,
): { clusters: Map<string, LeakCluster>; heldByOther: number; unreachable: number } {
  const tree = shortestRetainers(c);
  const classes = classesByConstructor(c);
  const locations = new SourceLocations(c);
  const className = (node: number) => classes.names[classes.of[node] as number] as string;
  const clusters = new Map<string, LeakCluster>();
  let heldByOther = 0;
  let unreachable = 0;
  for (let n = 0; n < c.nodeCount; n++) {
    if (candidate[n] !== 1) continue;
    if (tree.parentNode[n] === NO_PARENT) {
      unreachable++;
      continue;
    }
    const steps = pathTo(tree, n);
    if (steps.slice(0, -1).some((s) => candidate[s.node] === 1)) {
      heldByOther++;
      continue;
    }
    const key = steps.map((s) => `${foldedEdgeName(c, s.edge)}>${className(s.node)}`).join('/');
    let cluster = clusters.get(key);
    if (!cluster) {
      cluster = {
        className: className(n),
        count: 0,
        retainedSize: 0,
        path: steps.map((s) => describeStep(c, s, className(s.node), locations)),
        sampleIds: [],
      };
      clusters.set(key, cluster);
    }
    cluster.count++;
    cluster.retainedSize += dominators.retained[n] as number;
    if (cluster.sampleIds.length < SAMPLE_IDS) cluster.sampleIds.push(c.nodeIds[n] as number);
  }
  return { clusters, heldByOther, unreachable };
}

/** Element indexes, and the numbered slots V8 names hash-table entries with, fold to one "[]". */
function foldedEdgeName(graph: HeapGraph, edge: number): string {
  const name = graph.edgeName(edge);
  return graph.edgeHasIndex(edge) || /^\d+$/.test(name) ? '[]' : name;
}

function describeStep(
  graph: HeapGraph,
  step: { edge: number; node: number },
  className: string,
  locations: SourceLocations,
): PathStep {
  const location = graph.typeName(step.node) === 'closure' ? locations.of(step.node) : undefined;
  return {
    edgeType: graph.edgeTypeName(step.edge),
    edgeName: graph.edgeName(step.edge),
    className,
    name: graph.name(step.node),
    type: graph.typeName(step.node),
    id: graph.id(step.node),
    ...(location ? { location } : {}),
  };
}
