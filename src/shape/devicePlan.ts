/**
 * From what the device has now to what hog wants: the tc batch lines (all or nothing) and the ip
 * commands around them (the ifb device is a link, which tc cannot create). Pure: the snapshot comes
 * from snapshot.ts, the wanted tree from tree.ts. Also what rollback runs: the same planning towards
 * the tree that was there before.
 *
 * Preconditions are written into the batch so that a change between reading and applying fails it
 * instead of being overwritten: a user's root is deleted by its handle (`qdisc del ... root handle H`,
 * which the kernel refuses when another qdisc sits there now), and hog's root is added with `add`,
 * which fails on any qdisc but the kernel's default.
 */
import { HogError } from '../errors.js';
import { HOG_QDISC, INGRESS_QDISC, INGRESS_REDIRECT_PREF, isHogFilterPref, isHogHandle } from './handles.js';
import { isDefaultRoot } from './savedQdisc.js';
import type { SavedQdisc } from './state.js';
import type { TcClass, TcFilter, TcQdisc } from './tcParse.js';
import {
  type ClassSpec,
  classLine,
  type FilterSpec,
  filterAddLines,
  filterDelLine,
  type HtbTree,
  qdiscAddLine,
} from './tree.js';

/** What one device (or an ifb) has now, as far as hog's plan cares. */
export interface TcSnapshot {
  dev: string;
  exists: boolean;
  qdiscs: TcQdisc[];
  /** hog's classes (686f:) only. */
  classes: TcClass[];
  /** Filters on hog's root qdisc. */
  filters: TcFilter[];
  /** Filters on the ingress qdisc, when there is one. */
  ingressFilters: TcFilter[];
}

export interface Wanted {
  egress?: HtbTree;
  ingress?: { ifb: string; tree: HtbTree };
  /** The user's root qdisc hog replaces (--force) or put back when its tree goes. */
  savedRoot?: SavedQdisc;
}

export interface DevicePlan {
  /** `ip` commands before the batch (create the ifb device). */
  before: string[][];
  batch: string[];
  /** `ip` commands after it (delete the ifb device). */
  after: string[][];
}

export const rootOf = (s: TcSnapshot): TcQdisc | undefined => s.qdiscs.find((q) => q.parent === 'root');
export const hasHogRoot = (s: TcSnapshot): boolean => {
  const root = rootOf(s);
  return root !== undefined && root.kind === 'htb' && isHogHandle(root.handle);
};
export const ingressQdisc = (s: TcSnapshot): TcQdisc | undefined =>
  s.qdiscs.find((q) => q.parent === 'ingress' || q.handle === INGRESS_QDISC);
export const hogRedirect = (s: TcSnapshot): TcFilter | undefined =>
  s.ingressFilters.find((f) => f.pref === INGRESS_REDIRECT_PREF);

/** Rates as tc shows them are rounded ("1.5Mbit"): equal within 1%. */
const near = (a: number | undefined, b: number) => a !== undefined && Math.abs(a - b) <= b * 0.01;

function classMatches(have: TcClass, want: ClassSpec): boolean {
  const parentOk = want.parent === 'root' ? have.parent === 'root' : have.parent === want.parent;
  // tc shows prio and quantum for leaf classes only
  const leafOk = have.quantum === undefined || (have.quantum === want.quantum && have.prio === want.prio);
  return (
    parentOk &&
    leafOk &&
    near(have.rateBitsPerSecond, want.rateBitsPerSecond) &&
    near(have.ceilBitsPerSecond, want.ceilBitsPerSecond)
  );
}

const sameMatches = (a: FilterSpec | undefined, b: FilterSpec) =>
  a !== undefined && a.flowid === b.flowid && a.matches.join('\n') === b.matches.join('\n');

function filterMatches(
  have: TcFilter | undefined,
  want: FilterSpec,
  before: FilterSpec | undefined,
): boolean {
  // the kernel shows keys as offsets and masks; what hog wrote is compared through what it recorded
  return (
    have !== undefined &&
    have.entries.length === want.matches.length &&
    have.entries.every((e) => e.flowid === want.flowid) &&
    sameMatches(before, want)
  );
}

/** Changes inside a tree hog owns: filters out, classes out, classes in or changed, filters in. */
function treeChanges(s: TcSnapshot, want: HtbTree | undefined, before: HtbTree | undefined): string[] {
  const dev = s.dev;
  const lines: string[] = [];
  const wanted = new Map((want?.filters ?? []).map((f) => [`${f.protocol}/${f.pref}`, f]));
  const recorded = new Map((before?.filters ?? []).map((f) => [`${f.protocol}/${f.pref}`, f]));
  const keep = new Set<string>();
  for (const f of s.filters) {
    const key = `${f.protocol}/${f.pref}`;
    const w = wanted.get(key);
    if (w !== undefined && filterMatches(f, w, recorded.get(key))) keep.add(key);
    else if (isHogFilterPref(f.pref)) lines.push(filterDelLine(dev, f.protocol, f.pref));
  }
  const wantClasses = new Map((want?.classes ?? []).map((c) => [c.classId, c]));
  for (const c of s.classes)
    if (!wantClasses.has(c.classId) && c.parent !== 'root')
      lines.push(`class del dev ${dev} classid ${c.classId}`);
  const have = new Map(s.classes.map((c) => [c.classId, c]));
  for (const c of want?.classes ?? []) {
    const h = have.get(c.classId);
    if (h === undefined) lines.push(classLine('add', dev, c));
    else if (!classMatches(h, c)) lines.push(classLine('change', dev, c));
  }
  for (const [key, f] of wanted)
    if (!keep.has(key)) for (const line of filterAddLines(dev, f)) lines.push(line);
  return lines;
}

/** The lines that take `s` from what it has to the wanted tree (or to no tree of hog's). */
function rootChanges(
  s: TcSnapshot,
  want: HtbTree | undefined,
  before: HtbTree | undefined,
  saved: SavedQdisc | undefined,
): string[] {
  const root = rootOf(s);
  if (hasHogRoot(s)) {
    if (want !== undefined) return treeChanges(s, want, before);
    return [`qdisc del dev ${s.dev} root handle ${HOG_QDISC}`, ...(saved?.restore ?? [])];
  }
  if (want === undefined) {
    // hog's root is gone and the default is back (a rollback after the user's root was deleted, or
    // hog's tree deleted by hand): the user's saved qdisc goes back; any other root stays as it is
    return saved !== undefined && isDefaultRoot(root, s.qdiscs) ? saved.restore : [];
  }
  const fresh = { ...s, classes: [], filters: [] };
  if (isDefaultRoot(root, s.qdiscs)) return [qdiscAddLine(s.dev), ...treeChanges(fresh, want, undefined)];
  if (saved !== undefined && root?.handle === saved.handle && root.kind === saved.kind) {
    return [
      `qdisc del dev ${s.dev} root handle ${root.handle}`,
      qdiscAddLine(s.dev),
      ...treeChanges(fresh, want, undefined),
    ];
  }
  throw new HogError(`${s.dev} has a root qdisc hog does not own (${root?.kind} ${root?.handle})`);
}

export function planDevice(
  dev: TcSnapshot,
  ifb: TcSnapshot | undefined,
  want: Wanted,
  before: Wanted | undefined,
): DevicePlan {
  const plan: DevicePlan = { before: [], batch: [], after: [] };
  plan.batch = rootChanges(dev, want.egress, before?.egress, want.savedRoot ?? before?.savedRoot);
  const redirect = hogRedirect(dev);
  if (want.ingress !== undefined) {
    const name = want.ingress.ifb;
    const ifbNow = ifb ?? {
      dev: name,
      exists: false,
      qdiscs: [],
      classes: [],
      filters: [],
      ingressFilters: [],
    };
    if (!ifbNow.exists)
      plan.before.push(
        ['link', 'add', name, 'txqueuelen', '1000', 'type', 'ifb'],
        ['link', 'set', name, 'up'],
      );
    // the ifb's shaping is in place before any packet is redirected to it
    plan.batch = plan.batch.concat(rootChanges(ifbNow, want.ingress.tree, before?.ingress?.tree, undefined));
    if (ingressQdisc(dev) === undefined)
      plan.batch.push(`qdisc add dev ${dev.dev} handle ${INGRESS_QDISC} ingress`);
    if (redirect === undefined || redirect.entries[0]?.redirectTo !== name) {
      if (redirect !== undefined)
        plan.batch.push(
          `filter del dev ${dev.dev} parent ${INGRESS_QDISC} protocol all pref ${INGRESS_REDIRECT_PREF}`,
        );
      plan.batch.push(
        `filter add dev ${dev.dev} parent ${INGRESS_QDISC} protocol all pref ${INGRESS_REDIRECT_PREF} u32 match u32 0 0 action mirred egress redirect dev ${name}`,
      );
    }
  } else {
    if (redirect !== undefined) {
      plan.batch.push(
        `filter del dev ${dev.dev} parent ${INGRESS_QDISC} protocol all pref ${INGRESS_REDIRECT_PREF}`,
      );
      // hog adds an ingress qdisc only where there was none (snapshot.ts refuses a user's), and
      // removes it only when no filter of anyone else's is left on it
      if (dev.ingressFilters.every((f) => f.pref === INGRESS_REDIRECT_PREF))
        plan.batch.push(`qdisc del dev ${dev.dev} ingress`);
    }
    if (ifb?.exists) plan.after.push(['link', 'del', ifb.dev]);
  }
  return plan;
}
