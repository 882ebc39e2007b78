/**
 * The plan of `hog disk clean`: which files can go (or be compressed) and what each frees, from a scan,
 * the categories table and a few facts read per candidate (atime/ctime, whether a process has it open,
 * whether a "core" file really is a core dump). Nothing here changes the disk.
 *
 *   old rotated logs          delete, when last written before --older-than
 *   big logs                  gzip (rotated, or not open by any process), at least --compress-over
 *   old compressed logs       delete, when older than --older-than
 *   caches, temporary files   delete, when neither read nor written since --older-than (the newer
 *                             of atime and mtime, as tmpreaper ages files; ctime is left out, as a
 *                             chmod or rename would make an old file look new)
 *   core dumps                delete, when older than --older-than (checked: an ELF core file)
 * Never: directories, files with other hard links (deleting one name frees nothing), files a process
 * holds open (their space stays allocated until closed), backups, the systemd journal (journalctl
 * --vacuum-size does that properly).
 */
import { CATEGORY_RULES, categoryOf, kindOf } from './categories.js';
import type { Planned } from './cleanSafety.js';
import { FLAG_HARDLINK, FLAG_LINK_DUP } from './scanTypes.js';
import { type DiskTree, jsonPath } from './tree.js';

export interface CleanOptions {
  olderThanSeconds: number;
  compressOverBytes: number;
  nowMs: number;
}

export interface CleanAction {
  action: 'delete' | 'compress';
  kind: string;
  reason: string;
  path: string;
  pathBase64?: string;
  root: string;
  /** Bytes on disk this gives back (for compress: estimated from a sample). */
  freesBytes: number;
  estimated: boolean;
  allocatedBytes: number;
  apparentBytes: number;
  mtime: string;
  ageSeconds: number;
  planned: Planned;
}

export interface Skipped {
  path: string;
  pathBase64?: string;
  allocatedBytes: number;
  reason: string;
}

export interface CleanPlan {
  roots: string[];
  options: { olderThanSeconds: number; compressOverBytes: number };
  actions: CleanAction[];
  skipped: Skipped[];
  freesBytes: number;
}

/** What the plan reads about a candidate file (real I/O in the CLI, fakes in tests). */
export interface PlanFacts {
  lstat(path: Buffer): {
    atimeMs: number;
    mtimeMs: number;
    ctimeMs: number;
    dev: number;
    ino: number;
    size: number;
  };
  openBy(dev: number, ino: number): { pid: number; command: string } | undefined;
  isCoreDump(path: Buffer): boolean;
  /** Why this user may not remove the file (directory not writable, sticky /tmp), or undefined. */
  cannotRemove(path: Buffer): string | undefined;
  /** Estimated size of the gzip-compressed file, in bytes on disk. */
  compressedBytes(path: Buffer, apparentBytes: number): number;
}

const COMPRESSED = /\.(gz|xz|bz2|zst|lz4|zip|Z)$/;

function ageText(seconds: number): string {
  const days = seconds / 86400;
  return days >= 2 ? `${Math.floor(days)}d` : `${Math.floor(seconds / 3600)}h`;
}

export function planCleanup(
  tree: DiskTree,
  rules: Int16Array,
  facts: PlanFacts,
  options: CleanOptions,
): CleanPlan {
  const rootOf = new Int32Array(tree.count);
  for (let i = 0; i < tree.count; i++) {
    const p = tree.parentOf(i);
    rootOf[i] = p < 0 ? i : (rootOf[p] as number);
  }
  const older = options.olderThanSeconds;
  const limit = ageText(older);
  const actions: CleanAction[] = [];
  const skipped: Skipped[] = [];
  const now = options.nowMs;

  for (let i = 0; i < tree.count; i++) {
    if (tree.type(i) !== 'file' || tree.isRemoved(i)) continue;
    const rule = rules[i] as number;
    const category = categoryOf(rule);
    const kind = kindOf(rule);
    if (category !== 'logs' && category !== 'caches' && category !== 'temp') continue;
    const name = tree.name(i);
    const allocated = tree.ownBytes(i, 'allocated');
    const mtimeAge = (now - tree.mtime(i) * 1000) / 1000;
    const compressed = COMPRESSED.test(name);

    let action:
      | { action: 'delete' | 'compress'; reason: string; useAccess?: boolean; kind: string }
      | undefined;
    if (category === 'logs') {
      if (kind === 'systemd journal') {
        if (allocated >= options.compressOverBytes) {
          skipped.push({
            ...jsonPath(tree.pathBytes(i)),
            allocatedBytes: allocated,
            reason: 'systemd journal: trim it with journalctl --vacuum-size=SIZE or --vacuum-time=TIME',
          });
        }
        continue;
      }
      const rotated = kind === 'rotated log';
      if ((rotated || compressed) && mtimeAge >= older) {
        action = {
          action: 'delete',
          kind: rotated ? 'rotated log' : 'old compressed log',
          reason: `${rotated ? 'rotated log' : 'compressed log'}, last written ${ageText(mtimeAge)} ago (over ${limit})`,
        };
      } else if (!compressed && allocated >= options.compressOverBytes) {
        action = {
          action: 'compress',
          kind: rotated ? 'rotated log' : 'log',
          reason: `${rotated ? 'rotated ' : ''}log of ${Math.round(allocated / 1048576)} MiB, not compressed`,
        };
      }
    } else if (kind === 'core dump') {
      if (mtimeAge >= older)
        action = {
          action: 'delete',
          kind,
          reason: `core dump from ${ageText(mtimeAge)} ago (over ${limit})`,
        };
    } else {
      action = {
        action: 'delete',
        kind: category === 'caches' ? 'cache file' : 'temporary file',
        reason: '',
        useAccess: true,
      };
    }
    if (!action) continue;

    const path = tree.pathBytes(i);
    const flags = tree.flags(i);
    if (flags & (FLAG_HARDLINK | FLAG_LINK_DUP)) {
      skipped.push({
        ...jsonPath(path),
        allocatedBytes: allocated,
        reason: 'has other hard links: removing this name would free nothing',
      });
      continue;
    }
    let st: ReturnType<PlanFacts['lstat']>;
    try {
      st = facts.lstat(path);
    } catch {
      continue; // gone since the scan
    }
    if (action.useAccess) {
      const newest = Math.max(st.atimeMs, st.mtimeMs);
      const age = (now - newest) / 1000;
      if (age < older) continue;
      action.reason = `${action.kind === 'cache file' ? 'cache file' : 'temporary file'} not used for ${ageText(age)} (over ${limit})`;
    }
    // a file named "core" is checked to be one; files in a crash directory (systemd-coredump's
    // compressed cores, apport's reports) are taken as they are
    if (kind === 'core dump' && CATEGORY_RULES[rule]?.name !== undefined && !facts.isCoreDump(path)) continue;
    const denied = facts.cannotRemove(path);
    if (denied) {
      skipped.push({ ...jsonPath(path), allocatedBytes: allocated, reason: denied });
      continue;
    }
    const holder = facts.openBy(st.dev, st.ino);
    if (holder) {
      skipped.push({
        ...jsonPath(path),
        allocatedBytes: allocated,
        reason:
          action.kind === 'log'
            ? `open by PID ${holder.pid} (${holder.command}): rotate it (logrotate) or truncate it (: > file) instead`
            : `open by PID ${holder.pid} (${holder.command}): removing it would free nothing until it is closed`,
      });
      continue;
    }
    const freesBytes =
      action.action === 'delete' ? allocated : Math.max(0, allocated - facts.compressedBytes(path, st.size));
    if (freesBytes <= 0 && action.action === 'compress') continue;
    actions.push({
      action: action.action,
      kind: action.kind,
      reason: action.reason,
      ...jsonPath(path),
      root: tree.path(rootOf[i] as number),
      freesBytes,
      estimated: action.action === 'compress',
      allocatedBytes: allocated,
      apparentBytes: st.size,
      mtime: new Date(st.mtimeMs).toISOString(),
      ageSeconds: Math.round(mtimeAge),
      planned: { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs },
    });
  }
  actions.sort((a, b) => b.freesBytes - a.freesBytes || a.path.localeCompare(b.path));
  skipped.sort((a, b) => b.allocatedBytes - a.allocatedBytes);
  return {
    roots: tree.roots().map((r) => tree.path(r)),
    options: { olderThanSeconds: options.olderThanSeconds, compressOverBytes: options.compressOverBytes },
    actions,
    skipped,
    freesBytes: actions.reduce((sum, a) => sum + a.freesBytes, 0),
  };
}

/** The exact bytes of an action's path. */
export function actionPath(a: { path: string; pathBase64?: string }): Buffer {
  return a.pathBase64 !== undefined ? Buffer.from(a.pathBase64, 'base64') : Buffer.from(a.path);
}
