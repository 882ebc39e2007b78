/**
 * The zone of every directory of a scan, for the cleanup plan: a temporary directory (and which
 * tmpfiles.d rule ages it), a known regenerable cache (which entry of disposable.ts), an unknown cache,
 * an excluded tree (tmpfiles.d x, a version-controlled work tree, a directory a process has locked),
 * or none of these (logs and core dumps are then recognised by the categories table). One pass over
 * the flat tree, parents before children; a root's zone comes from the directories above it.
 */
import { categoryOf, classifyPath } from './categories.js';
import type { DisposableMatcher } from './disposable.js';
import type { TempRules } from './tempRules.js';
import type { DiskTree } from './tree.js';

export const Z_NONE = 0;
export const Z_TEMP = 1;
export const Z_CACHE = 2;
export const Z_UNKNOWN_CACHE = 3;
export const Z_EXCLUDED = 4;

export interface Zones {
  kind: Uint8Array;
  /** Z_TEMP: index into TempRules.roots; Z_CACHE: index into the disposable table; Z_EXCLUDED: index into `excluded`. */
  arg: Int32Array;
  /** The directory the zone starts at (a temp root, a cache's top directory). */
  top: Int32Array;
  /** The directory a file's action is grouped under: the entry just below a temp root, a cache's top, else the parent. */
  group: Int32Array;
  /** Why excluded trees are excluded. */
  excluded: string[];
  /** Roots inside a zone that begins above them. */
  partial: Set<number>;
}

interface ZoneRules {
  temp: TempRules;
  caches: DisposableMatcher;
  /** "dev:ino" of a directory some process holds an flock/fcntl lock on (systemd-tmpfiles skips those), or undefined. */
  lockedDir(path: string): string | undefined;
}

const VCS = new Set(['.git', '.hg', '.svn']);
/** What a directory's children say about it: a work tree (has .git), or a bare repository (HEAD, objects, refs). */
const HAS_VCS = 1;
const BARE: Record<string, number> = { HEAD: 2, objects: 4, refs: 8 };
const IS_BARE = 2 | 4 | 8;

interface Step {
  kind: number;
  arg: number;
  top: number;
  group: number;
}

/** The zone of directory `i` at `path`, given its parent's. */
function step(
  parent: Step,
  i: number,
  path: string,
  name: string,
  rule: number,
  r: ZoneRules,
  z: Zones,
  vcs: boolean,
): Step {
  if (parent.kind === Z_EXCLUDED) return parent;
  const excludedBy = (reason: string): Step => {
    let arg = z.excluded.indexOf(reason);
    if (arg < 0) arg = z.excluded.push(reason) - 1;
    return { kind: Z_EXCLUDED, arg, top: i, group: i };
  };
  const x = r.temp.excludesTree(path);
  if (x) return excludedBy(`excluded from cleaning by tmpfiles.d (${x})`);
  const inCleanZone = parent.kind === Z_TEMP || parent.kind === Z_CACHE;
  if ((vcs || VCS.has(name)) && inCleanZone)
    return excludedBy('a version-controlled repository or work tree: not temporary');
  if (parent.kind === Z_TEMP) {
    const locked = r.lockedDir(path);
    if (locked) return excludedBy(`a directory ${locked}: systemd-tmpfiles leaves locked directories alone`);
  }
  const tempRoot = r.temp.rootOf(path);
  if (tempRoot >= 0) return { kind: Z_TEMP, arg: tempRoot, top: i, group: i };
  const own = parent.kind === Z_TEMP ? r.temp.ownLine(path) : undefined;
  if (own) return excludedBy(`has a tmpfiles.d line of its own (${own}): not cleaned with its directory`);
  const cache = r.caches.entryOf(path, name);
  if (cache >= 0) return { kind: Z_CACHE, arg: cache, top: i, group: i };
  // below a temp root, each of its entries is one group ("/tmp/build-123": 4,000 files, one line)
  if (parent.kind === Z_TEMP) return { ...parent, group: parent.group === parent.top ? i : parent.group };
  if (parent.kind === Z_CACHE) return parent;
  if (r.caches.isHome(path)) return { kind: Z_UNKNOWN_CACHE, arg: -1, top: i, group: i };
  if (parent.kind === Z_UNKNOWN_CACHE)
    return parent.arg === -1 ? { kind: Z_UNKNOWN_CACHE, arg: 0, top: i, group: i } : parent;
  if (categoryOf(rule) === 'caches') return { kind: Z_UNKNOWN_CACHE, arg: 0, top: i, group: i };
  return { kind: Z_NONE, arg: -1, top: -1, group: i };
}

export function computeZones(tree: DiskTree, rules: Int16Array, r: ZoneRules): Zones {
  const z: Zones = {
    kind: new Uint8Array(tree.count),
    arg: new Int32Array(tree.count),
    top: new Int32Array(tree.count),
    group: new Int32Array(tree.count),
    excluded: [],
    partial: new Set(),
  };
  // a directory holding .git (or .hg, .svn), or a bare repository, is someone's work: marked before
  // the pass reaches it (children come after their parent); names are compared only when short
  const marks = new Uint8Array(tree.count);
  for (let i = 0; i < tree.count; i++) {
    const p = tree.parentOf(i);
    if (p < 0 || tree.nameBytes(i).length > 7) continue;
    const name = tree.name(i);
    if (VCS.has(name)) marks[p] = (marks[p] as number) | HAS_VCS;
    else if (BARE[name] !== undefined) marks[p] = (marks[p] as number) | (BARE[name] as number);
  }
  const isVcs = (i: number) => (marks[i] as number) & HAS_VCS || ((marks[i] as number) & IS_BARE) === IS_BARE;
  const paths = new Map<number, string>();
  for (let i = 0; i < tree.count; i++) {
    if (!tree.isDir(i)) continue;
    const p = tree.parentOf(i);
    let s: Step;
    let path: string;
    if (p < 0) {
      path = tree.path(i).replace(/(.)\/+$/, '$1');
      s = rootStep(path, i, rules[i] as number, r, z, Boolean(isVcs(i)));
    } else {
      const parentPath = paths.get(p) as string;
      path = `${parentPath === '/' ? '' : parentPath}/${tree.name(i)}`;
      s = step(
        {
          kind: z.kind[p] as number,
          arg: z.arg[p] as number,
          top: z.top[p] as number,
          group: z.group[p] as number,
        },
        i,
        path,
        tree.name(i),
        rules[i] as number,
        r,
        z,
        Boolean(isVcs(i)),
      );
    }
    // one path per directory (children may come anywhere after their parent): bounded by the directories
    paths.set(i, path);
    z.kind[i] = s.kind;
    z.arg[i] = s.arg;
    z.top[i] = s.top;
    z.group[i] = s.group;
  }
  return z;
}

/** A root's zone, from the directories above it down to itself (they are not in the scan). */
function rootStep(path: string, i: number, rule: number, r: ZoneRules, z: Zones, vcs: boolean): Step {
  let s: Step = { kind: Z_NONE, arg: -1, top: -1, group: -1 };
  let above = s;
  const parts = path.split('/').filter((x) => x !== '');
  let prefix = '';
  for (let k = 0; k < parts.length; k++) {
    prefix += `/${parts[k]}`;
    const last = k === parts.length - 1;
    above = s;
    s = step(s, i, prefix, parts[k] as string, last ? rule : classifyPath(prefix, true), r, z, last && vcs);
  }
  if (parts.length === 0) s = step(s, i, '/', '/', rule, r, z, vcs);
  // a zone that began above the root (a root inside /var/cache/apt) covers only part of its tree
  if (s.kind !== Z_NONE && above.kind === s.kind && above.arg === s.arg) z.partial.add(i);
  // what the scan shows of the zone starts at the root
  return { ...s, top: i, group: i };
}
