/**
 * What `hog shape list` shows: hog's rules on a device, read back from the kernel with their classes'
 * live counters (bytes, packets, drops, overlimits, and the rate from the estimator hog attaches).
 * The kernel is the authority: a rule whose class or filters are missing says so. Rules of one
 * priority share a class, so they share its counters.
 */

import { hasHogRoot, hogRedirect, type TcSnapshot } from './devicePlan.js';
import { DEFAULT_CLASS, filterPrefs, HOG_QDISC, ROOT_CLASS } from './handles.js';
import type { ShapeDirection, ShapeRule } from './rules.js';
import type { ShapeState } from './state.js';
import type { TcClass, TcClassStats } from './tcParse.js';

export interface ListedClass {
  /** A rule id, or "(unclassified)" for the default class, "(link)" for the root class. */
  label: string;
  direction: ShapeDirection;
  classId: string;
  rule?: ShapeRule;
  rateBitsPerSecond?: number;
  ceilBitsPerSecond?: number;
  stats?: TcClassStats;
  /** Class and filters are in the kernel as hog recorded them. */
  inKernel: boolean;
}

export interface DeviceListing {
  dev: string;
  linkRateBitsPerSecond?: number;
  ingressRateBitsPerSecond?: number;
  ifb?: string;
  savedRootQdisc?: string;
  rows: ListedClass[];
  /** The kernel has no tree of hog's where the state says there is one (or the reverse). */
  problems: string[];
}

function rowsFor(
  direction: ShapeDirection,
  snapshot: TcSnapshot,
  rules: ShapeRule[],
): { rows: ListedClass[]; problems: string[] } {
  const byId = new Map<string, TcClass>(snapshot.classes.map((c) => [c.classId, c]));
  const prefs = new Set(snapshot.filters.map((f) => f.pref));
  const problems: string[] = [];
  const row = (label: string, classId: string, rule?: ShapeRule): ListedClass => {
    const c = byId.get(classId);
    const filtersOk =
      rule === undefined || prefs.has(filterPrefs(rule.slot).ip) || prefs.has(filterPrefs(rule.slot).ipv6);
    if (c === undefined || !filtersOk)
      problems.push(
        `${label}: ${c === undefined ? `class ${classId}` : 'filters'} missing on ${snapshot.dev}`,
      );
    return {
      label,
      direction,
      classId,
      ...(rule !== undefined ? { rule } : {}),
      rateBitsPerSecond: c?.rateBitsPerSecond,
      ceilBitsPerSecond: c?.ceilBitsPerSecond,
      stats: c?.stats,
      inKernel: c !== undefined && filtersOk,
    };
  };
  const rows = rules.map((r) => row(r.id, r.classId, r));
  rows.push(row('(unclassified)', DEFAULT_CLASS), row('(link)', ROOT_CLASS));
  return { rows, problems };
}

export function deviceListing(
  state: ShapeState,
  dev: TcSnapshot,
  ifb: TcSnapshot | undefined,
): DeviceListing {
  const listing: DeviceListing = { dev: state.dev, rows: [], problems: [] };
  if (state.linkRateBitsPerSecond !== undefined) listing.linkRateBitsPerSecond = state.linkRateBitsPerSecond;
  if (state.ingressRateBitsPerSecond !== undefined)
    listing.ingressRateBitsPerSecond = state.ingressRateBitsPerSecond;
  if (state.ifb !== undefined) listing.ifb = state.ifb;
  if (state.savedRootQdisc !== undefined) listing.savedRootQdisc = state.savedRootQdisc.shown;
  const egress = state.rules.filter((r) => r.direction === 'egress');
  if (hasHogRoot(dev)) {
    const part = rowsFor('egress', dev, egress);
    listing.rows = listing.rows.concat(part.rows);
    listing.problems = listing.problems.concat(part.problems);
  } else if (egress.length > 0 || state.linkRateBitsPerSecond !== undefined) {
    listing.problems.push(`${state.dev} has no ${HOG_QDISC} htb root qdisc: hog's egress shaping is gone`);
  }
  const ingress = state.rules.filter((r) => r.direction === 'ingress');
  if (state.ifb !== undefined) {
    if (ifb !== undefined && hasHogRoot(ifb) && hogRedirect(dev) !== undefined) {
      const part = rowsFor('ingress', ifb, ingress);
      listing.rows = listing.rows.concat(part.rows);
      listing.problems = listing.problems.concat(part.problems);
    } else listing.problems.push(`ingress redirect to ${state.ifb} or its tree is missing`);
  }
  return listing;
}
