/**
 * Collecting a cleanup plan as it is made: actions go into the compact store, and are summed per
 * directory and kind (a plan of 1,533 files prints as a few dozen lines); what is left alone is summed
 * per directory and reason; whole caches emptied by their tool become one command each.
 */
import { ageSpanText } from './ageText.js';
import type { DisposableCache } from './disposable.js';
import { type ActionKind, PlannedActions, SkippedFiles } from './planStore.js';
import type { DiskTree } from './tree.js';
import { jsonPath } from './tree.js';

export interface PlanGroup {
  action: 'delete' | 'compress';
  kind: string;
  /** Why, for the whole group. */
  why: string;
  path: string;
  pathBase64?: string;
  files: number;
  freesBytes: number;
  estimated: boolean;
  /** Age of the youngest and the oldest file, in seconds (by the times the rule looked at). */
  minAgeSeconds: number;
  maxAgeSeconds: number;
  /** The same span in words ("20h to 5d old"), for the table; not written to --json, which has the seconds. */
  ages: string;
}

export interface KeptGroup {
  path: string;
  pathBase64?: string;
  files: number;
  allocatedBytes: number;
  reason: string;
}

export interface CommandAction {
  action: 'run';
  command: string[];
  what: string;
  source: string;
  /** The cache directory it empties. */
  path: string;
  files: number;
  freesBytes: number;
}

interface GroupSum {
  dir: number;
  kind: number;
  why: string;
  files: number;
  bytes: number;
  minAge: number;
  maxAge: number;
}

interface KeptSum {
  dir: number;
  reason: string;
  files: number;
  bytes: number;
}

export interface ActionInput {
  action: 'delete' | 'compress';
  kind: string;
  label: string;
  reason: string;
  ageSeconds: number;
}

export interface CleanPlan {
  roots: string[];
  options: { olderThanSeconds: number; compressOverBytes: number };
  /** Every file action, in scan order: iterable, with a length. */
  actions: PlannedActions;
  /** Files left alone one by one, with why. */
  skipped: SkippedFiles;
  /** Whole caches emptied by their own tool (apt-get clean): one action each. */
  commands: CommandAction[];
  /** The actions summed per directory and kind, largest first. */
  groups: PlanGroup[];
  /** What was looked at and left alone, summed per directory and reason, largest first. */
  kept: KeptGroup[];
  /** File actions and commands together. */
  freesBytes: number;
}

export class PlanBuilder {
  readonly actions: PlannedActions;
  readonly skipped: SkippedFiles;
  private readonly groups = new Map<string, GroupSum>();
  private readonly kept = new Map<string, KeptSum>();
  private readonly commands = new Map<string, { dir: number; entry: number; files: number; bytes: number }>();
  private readonly rootOf: Int32Array;

  constructor(
    private readonly tree: DiskTree,
    nowMs: number,
    private readonly table: readonly DisposableCache[],
  ) {
    this.actions = new PlannedActions(tree, nowMs);
    this.skipped = new SkippedFiles(tree);
    // roots of directories only would do, but an Int32Array per entry is 4 bytes and needs no lookups
    this.rootOf = new Int32Array(tree.count);
    for (let i = 0; i < tree.count; i++) {
      const p = tree.parentOf(i);
      this.rootOf[i] = p < 0 ? i : (this.rootOf[p] as number);
    }
  }

  keep(dir: number, reason: string, bytes: number): void {
    const key = `${dir}\0${reason}`;
    const k = this.kept.get(key);
    if (k) {
      k.files++;
      k.bytes += bytes;
    } else this.kept.set(key, { dir, reason, files: 1, bytes });
  }

  skip(entry: number, reason: string, bytes: number): void {
    this.skipped.push(entry, reason, bytes);
  }

  command(dir: number, entry: number, bytes: number): void {
    const key = `${dir}`;
    const c = this.commands.get(key);
    if (c) {
      c.files++;
      c.bytes += bytes;
    } else this.commands.set(key, { dir, entry, files: 1, bytes });
  }

  action(
    entry: number,
    a: ActionInput,
    st: { dev: number; ino: number; size: number; mtimeMs: number },
    frees: number,
    groupDir: number,
  ): void {
    const kind = this.actions.kindId({ action: a.action, kind: a.kind } as ActionKind);
    this.actions.push({
      entry,
      root: this.rootOf[entry] as number,
      kind,
      reason: this.actions.strings.id(a.reason),
      frees,
      dev: st.dev,
      ino: st.ino,
      size: st.size,
      mtimeMs: st.mtimeMs,
    });
    const key = `${groupDir}\0${kind}\0${a.label}`;
    const g = this.groups.get(key);
    if (g) {
      g.files++;
      g.bytes += frees;
      g.minAge = Math.min(g.minAge, a.ageSeconds);
      g.maxAge = Math.max(g.maxAge, a.ageSeconds);
    } else
      this.groups.set(key, {
        dir: groupDir,
        kind,
        why: a.label,
        files: 1,
        bytes: frees,
        minAge: a.ageSeconds,
        maxAge: a.ageSeconds,
      });
  }

  finish(roots: string[], options: CleanPlan['options']): CleanPlan {
    const groups: PlanGroup[] = [];
    let freesBytes = 0;
    for (const g of this.groups.values()) {
      const kind = this.actions.kinds[g.kind] as ActionKind;
      freesBytes += g.bytes;
      groups.push({
        action: kind.action,
        kind: kind.kind,
        why: g.why,
        ...jsonPath(this.tree.pathBytes(g.dir)),
        files: g.files,
        freesBytes: g.bytes,
        estimated: kind.action === 'compress',
        minAgeSeconds: Math.round(g.minAge),
        maxAgeSeconds: Math.round(g.maxAge),
        ages: ageSpanText(Math.round(g.minAge), Math.round(g.maxAge), g.files),
      });
    }
    groups.sort((a, b) => b.freesBytes - a.freesBytes || a.path.localeCompare(b.path));
    const kept: KeptGroup[] = [];
    for (const k of this.kept.values())
      kept.push({
        ...jsonPath(this.tree.pathBytes(k.dir)),
        files: k.files,
        allocatedBytes: k.bytes,
        reason: k.reason,
      });
    kept.sort(
      (a, b) =>
        b.allocatedBytes - a.allocatedBytes ||
        a.path.localeCompare(b.path) ||
        a.reason.localeCompare(b.reason),
    );
    const commands: CommandAction[] = [];
    for (const c of this.commands.values()) {
      const cache = this.table[c.entry] as DisposableCache;
      freesBytes += c.bytes;
      commands.push({
        action: 'run',
        command: cache.command ?? [],
        what: cache.what,
        source: cache.source,
        path: this.tree.path(c.dir),
        files: c.files,
        freesBytes: c.bytes,
      });
    }
    return {
      roots,
      options,
      actions: this.actions,
      skipped: this.skipped,
      commands,
      groups,
      kept,
      freesBytes,
    };
  }
}
