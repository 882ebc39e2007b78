/**
 * The plan of `hog disk clean`: which files can go (or be compressed) and what each frees, from a scan,
 * the categories table and a few facts read per candidate. Only what is known to be disposable is
 * planned (DESIGN.md, "Acting on a machine safely"); nothing here changes the disk.
 *
 *   temporary files   in /tmp, /var/tmp and the directories tmpfiles.d ages: systemd-tmpfiles' rule —
 *                     access, modification and change time all older than the age (--older-than, or
 *                     the tmpfiles.d age when longer); tmpfiles.d x/X exclusions, sticky files, locked
 *                     directories and version-controlled work trees are kept
 *   caches            only the caches of disposable.ts, each with its source, by the same age rule;
 *                     apt's cache is one `apt-get clean`; any other cache is reported, not touched
 *   old rotated logs  delete, when last written before --older-than (a rotated log is not written again)
 *   big logs          gzip (rotated, or not open by any process and not written for an hour), at
 *                     least --compress-over
 *   core dumps        delete, when older than --older-than (a file named "core" is checked to be one)
 * Never: directories, lock files and cache markers, files with other hard links (deleting one name
 * frees nothing), files a process holds open or locked, backups, the systemd journal.
 *
 * Memory stays bounded by the scan: actions are rows of typed arrays (planStore.ts), and the summary
 * is aggregated per directory as the plan is made.
 */
import { ageText } from './ageText.js';
import { CATEGORY_RULES, categoryOf, kindOf } from './categories.js';
import type { DisposableMatcher } from './disposable.js';
import { type CleanPlan, PlanBuilder } from './planGroups.js';

export type { CleanPlan } from './planGroups.js';

import {
  computeZones,
  Z_CACHE,
  Z_EXCLUDED,
  Z_NONE,
  Z_TEMP,
  Z_UNKNOWN_CACHE,
  type Zones,
} from './planZones.js';
import { FLAG_HARDLINK, FLAG_LINK_DUP } from './scanTypes.js';
import { agedOut, type EntryTimes, type TempRules, youngestTime } from './tempRules.js';
import type { AgeBy } from './tmpfilesRules.js';
import type { DiskTree } from './tree.js';

export type { CommandAction, KeptGroup, PlanGroup } from './planGroups.js';
export type { CleanAction, Skipped } from './planStore.js';

export interface CleanOptions {
  olderThanSeconds: number;
  compressOverBytes: number;
  nowMs: number;
}

export interface FileStat extends EntryTimes {
  dev: number;
  ino: number;
  size: number;
  mode: number;
}

/** What the plan reads about a candidate file (real I/O in the CLI, fakes in tests). */
export interface PlanFacts {
  lstat(path: Buffer): FileStat;
  openBy(dev: number, ino: number): { pid: number; command: string } | undefined;
  /** A lock some process holds on the inode (/proc/locks), or undefined. */
  lockedBy(dev: number, ino: number): { pid: number; kind: string } | undefined;
  isCoreDump(path: Buffer): boolean;
  /** Why this user may not remove the file (directory not writable, sticky /tmp), or undefined. */
  cannotRemove(path: Buffer): string | undefined;
  /** Estimated size of the gzip-compressed file, in bytes on disk. */
  compressedBytes(path: Buffer, apparentBytes: number): number;
}

/** Where temporary files and caches are, by the rules of this system. */
export interface PlanPlaces {
  temp: TempRules;
  caches: DisposableMatcher;
}

const COMPRESSED = /\.(gz|xz|bz2|zst|lz4|zip|Z)$/;
const S_ISVTX = 0o1000;
/** A log (not rotated) written this recently is still live: not compressed. */
const LIVE_LOG_SECONDS = 3600;

/** What a file would become, before the per-file checks (links, open, locked, permission). */
interface Candidate {
  action: 'delete' | 'compress';
  kind: string;
  /** The group's WHY. */
  label: string;
  /** The per-file reason; for aged candidates, filled in after lstat. */
  reason: string;
  /** Aged by the tmpfiles rule: old only when all of these times are before the cutoff. */
  aged?: { cutoffMs: number; limit: string; what: string; by?: AgeBy };
  ageSeconds: number;
}

interface Context {
  tree: DiskTree;
  rules: Int16Array;
  facts: PlanFacts;
  places: PlanPlaces;
  options: CleanOptions;
  zones: Zones;
  b: PlanBuilder;
}

function tempCandidate(c: Context, i: number, p: number): Candidate | undefined {
  const { zones, places, tree, b } = c;
  const root = places.temp.roots[zones.arg[p] as number];
  if (!root) return undefined;
  const bytes = tree.ownBytes(i, 'allocated');
  if (places.temp.hasExclusions) {
    const path = tree.path(i);
    const x = places.temp.excludesEntry(path);
    const own = x ? undefined : places.temp.ownLine(path);
    if (x || own) {
      const reason = x
        ? `excluded from cleaning by tmpfiles.d (${x})`
        : `has a tmpfiles.d line of its own (${own}): not cleaned with its directory`;
      b.keep(zones.group[p] as number, reason, bytes);
      return undefined;
    }
  }
  if (root.belowFirstLevel && p === zones.top[p]) {
    b.keep(p, `tmpfiles.d keeps the entries directly in this directory (${root.source})`, bytes);
    return undefined;
  }
  const seconds = Math.max(c.options.olderThanSeconds, root.ageSeconds ?? 0);
  const limit = ageText(seconds);
  return {
    action: 'delete',
    kind: 'temporary file',
    label: `temporary files, none used for ${limit} (systemd-tmpfiles' age rule)`,
    reason: '',
    aged: { cutoffMs: c.options.nowMs - seconds * 1000, limit, what: 'temporary file', by: root.by },
    ageSeconds: 0,
  };
}

function cacheCandidate(c: Context, i: number, p: number): Candidate | undefined {
  const { zones, places, tree, b } = c;
  const entry = zones.arg[p] as number;
  const cache = places.caches.table[entry];
  const bytes = tree.ownBytes(i, 'allocated');
  if (!cache || !places.caches.holds(entry, tree.name(i))) {
    b.keep(zones.top[p] as number, 'lock file, cache marker or not part of the cache: never removed', bytes);
    return undefined;
  }
  if (cache.command) {
    const top = zones.top[p] as number;
    if (zones.partial.has(top))
      b.keep(top, `part of ${cache.what}: empty it as a whole with ${cache.command.join(' ')}`, bytes);
    else b.command(top, entry, bytes);
    return undefined;
  }
  const limit = ageText(c.options.olderThanSeconds);
  return {
    action: 'delete',
    kind: 'cache file',
    label: `${cache.what}, none used for ${limit}`,
    reason: '',
    aged: { cutoffMs: c.options.nowMs - c.options.olderThanSeconds * 1000, limit, what: cache.what },
    ageSeconds: 0,
  };
}

/** Logs and core dumps, recognised by the categories table, outside temporary directories and caches. */
function logOrCoreCandidate(c: Context, i: number): Candidate | undefined {
  const rule = c.rules[i] as number;
  const kind = kindOf(rule);
  if (categoryOf(rule) === 'logs') return logCandidate(c, i, kind);
  if (kind === 'core dump') return coreDumpCandidate(c, i, rule);
  return undefined;
}

/**
 * A log: deleted when rotated or compressed and old; compressed when big, not compressed yet and no
 * longer written to; the systemd journal is left to journalctl.
 */
function logCandidate(c: Context, i: number, kind: string): Candidate | undefined {
  const { tree, options } = c;
  const allocated = tree.ownBytes(i, 'allocated');
  if (kind === 'systemd journal') {
    if (allocated >= options.compressOverBytes)
      c.b.skip(
        i,
        'systemd journal: trim it with journalctl --vacuum-size=SIZE or --vacuum-time=TIME',
        allocated,
      );
    return undefined;
  }
  const ageSeconds = (options.nowMs - tree.mtime(i) * 1000) / 1000;
  const rotated = kind === 'rotated log';
  const compressed = COMPRESSED.test(tree.name(i));
  if ((rotated || compressed) && ageSeconds >= options.olderThanSeconds) {
    const what = rotated ? 'rotated log' : 'compressed log';
    const limit = ageText(options.olderThanSeconds);
    return {
      action: 'delete',
      kind: rotated ? 'rotated log' : 'old compressed log',
      label: `${what}s, last written over ${limit} ago`,
      reason: `${what}, last written ${ageText(ageSeconds)} ago (over ${limit})`,
      ageSeconds,
    };
  }
  if (!compressed && allocated >= options.compressOverBytes)
    return bigLogCandidate(c, i, rotated, allocated, ageSeconds);
  return undefined;
}

/** A big log, not compressed: compressed in place, unless it is still being written. */
function bigLogCandidate(
  c: Context,
  i: number,
  rotated: boolean,
  allocated: number,
  ageSeconds: number,
): Candidate | undefined {
  // a live log a program opens, appends to and closes (cron jobs, shell >>) is not open between
  // writes: compressing it in place would lose what is written meanwhile
  if (!rotated && ageSeconds < LIVE_LOG_SECONDS) {
    c.b.skip(
      i,
      `log written ${Math.floor(ageSeconds / 60)} min ago: rotate it (logrotate) rather than compress it in place`,
      allocated,
    );
    return undefined;
  }
  return {
    action: 'compress',
    kind: rotated ? 'rotated log' : 'log',
    label: `${rotated ? 'rotated ' : ''}logs of over ${Math.round(c.options.compressOverBytes / 1048576)} MiB, not compressed`,
    reason: `${rotated ? 'rotated ' : ''}log of ${Math.round(allocated / 1048576)} MiB, not compressed`,
    ageSeconds,
  };
}

/** An old core dump: deleted. */
function coreDumpCandidate(c: Context, i: number, rule: number): Candidate | undefined {
  const { tree, options } = c;
  const ageSeconds = (options.nowMs - tree.mtime(i) * 1000) / 1000;
  if (ageSeconds < options.olderThanSeconds) return undefined;
  // a file named "core" is checked to be one; files in a crash directory (systemd-coredump's
  // compressed cores, apport's reports) are taken as they are
  if (CATEGORY_RULES[rule]?.name !== undefined && !c.facts.isCoreDump(tree.pathBytes(i))) return undefined;
  const limit = ageText(options.olderThanSeconds);
  return {
    action: 'delete',
    kind: 'core dump',
    label: `core dumps from over ${limit} ago`,
    reason: `core dump from ${ageText(ageSeconds)} ago (over ${limit})`,
    ageSeconds,
  };
}

function candidateOf(c: Context, i: number, p: number): Candidate | undefined {
  const zone = c.zones.kind[p] as number;
  const bytes = c.tree.ownBytes(i, 'allocated');
  if (zone === Z_TEMP) return tempCandidate(c, i, p);
  if (zone === Z_CACHE) return cacheCandidate(c, i, p);
  if (zone === Z_UNKNOWN_CACHE) c.b.keep(c.zones.top[p] as number, 'unknown cache, not touched', bytes);
  else if (zone === Z_EXCLUDED)
    c.b.keep(c.zones.top[p] as number, c.zones.excluded[c.zones.arg[p] as number] as string, bytes);
  else if (zone === Z_NONE) {
    const found = logOrCoreCandidate(c, i);
    if (!found && categoryOf(c.rules[i] as number) === 'temp' && kindOf(c.rules[i] as number) !== 'core dump')
      c.b.keep(
        p,
        'temporary by its name, but not in a temporary directory (/tmp, /var/tmp, tmpfiles.d): not touched',
        bytes,
      );
    return found;
  }
  return undefined;
}

/** Old enough by the tmpfiles rule, and not sticky; else counted as kept. Fills in the reason. */
function oldEnough(c: Context, i: number, cand: Candidate, st: FileStat): boolean {
  if (!cand.aged) return true;
  const allocated = c.tree.ownBytes(i, 'allocated');
  const p = c.tree.parentOf(i);
  cand.ageSeconds = (c.options.nowMs - youngestTime(st, false, cand.aged.by)) / 1000;
  if (!agedOut(st, false, cand.aged.cutoffMs, cand.aged.by)) {
    c.b.keep(c.zones.top[p] as number, `used or changed within ${cand.aged.limit}`, allocated);
    return false;
  }
  if (cand.kind === 'temporary file' && st.mode & S_ISVTX) {
    c.b.keep(p, 'sticky bit set: systemd-tmpfiles keeps such files', allocated);
    return false;
  }
  cand.reason = `${cand.aged.what}, not read, written or changed for ${ageText(cand.ageSeconds)} (over ${cand.aged.limit})`;
  return true;
}

/** Why a file must stay although it is old enough: locked, not removable by this user, open. */
function inUse(c: Context, cand: Candidate, path: Buffer, st: FileStat): string | undefined {
  const lock = c.facts.lockedBy(st.dev, st.ino);
  if (lock)
    return `locked (${lock.kind}) by ${lock.pid > 0 ? `PID ${lock.pid}` : 'an open file description'}: in use`;
  const denied = c.facts.cannotRemove(path);
  if (denied) return denied;
  const holder = c.facts.openBy(st.dev, st.ino);
  if (!holder) return undefined;
  return cand.kind === 'log'
    ? `open by PID ${holder.pid} (${holder.command}): rotate it (logrotate) or truncate it (: > file) instead`
    : `open by PID ${holder.pid} (${holder.command}): removing it would free nothing until it is closed`;
}

/** The checks every candidate passes: one name, still there, old enough, not locked, open or forbidden. */
function check(c: Context, i: number, cand: Candidate): void {
  const { tree, facts, b } = c;
  const allocated = tree.ownBytes(i, 'allocated');
  if (tree.flags(i) & (FLAG_HARDLINK | FLAG_LINK_DUP)) {
    b.skip(i, 'has other hard links: removing this name would free nothing', allocated);
    return;
  }
  const path = tree.pathBytes(i);
  let st: FileStat;
  try {
    st = facts.lstat(path);
  } catch {
    return; // gone since the scan
  }
  if (!oldEnough(c, i, cand, st)) return;
  const why = inUse(c, cand, path, st);
  if (why) {
    b.skip(i, why, allocated);
    return;
  }
  const freesBytes =
    cand.action === 'delete' ? allocated : Math.max(0, allocated - facts.compressedBytes(path, st.size));
  if (freesBytes <= 0 && cand.action === 'compress') return;
  b.action(i, cand, st, freesBytes, c.zones.group[tree.parentOf(i)] as number);
}

export function planCleanup(
  tree: DiskTree,
  rules: Int16Array,
  facts: PlanFacts,
  options: CleanOptions,
  places: PlanPlaces,
): CleanPlan {
  const zones = computeZones(tree, rules, {
    temp: places.temp,
    caches: places.caches,
    lockedDir: (path) => {
      try {
        const st = facts.lstat(Buffer.from(path));
        const lock = facts.lockedBy(st.dev, st.ino);
        return lock ? `locked (${lock.kind}) by PID ${lock.pid}` : undefined;
      } catch {
        return undefined;
      }
    },
  });
  const b = new PlanBuilder(tree, options.nowMs, places.caches.table);
  const c: Context = { tree, rules, facts, places, options, zones, b };
  for (let i = 0; i < tree.count; i++) {
    if (tree.type(i) !== 'file' || tree.isRemoved(i)) continue;
    const p = tree.parentOf(i);
    if (p < 0) continue;
    const cand = candidateOf(c, i, p);
    if (cand) check(c, i, cand);
  }
  return b.finish(
    tree.roots().map((r) => tree.path(r)),
    { olderThanSeconds: options.olderThanSeconds, compressOverBytes: options.compressOverBytes },
  );
}

/** The exact bytes of an action's path. */
export function actionPath(a: { path: string; pathBase64?: string }): Buffer {
  return a.pathBase64 !== undefined ? Buffer.from(a.pathBase64, 'base64') : Buffer.from(a.path);
}
