/**
 * A cleanup plan held in flat typed arrays, one row per action (56 bytes), instead of one object per
 * file: a plan of a million files fits in ~50 MB where objects took 1.8 GB. Rows are turned into
 * CleanAction objects one at a time, as the plan is printed, streamed as JSON or applied.
 * Strings that repeat (reasons, kinds) are stored once.
 */
import type { Planned } from './cleanSafety.js';
import { type DiskTree, jsonPath } from './tree.js';

/** Strings stored once, referred to by index. */
export class StringTable {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(text: string): number {
    let id = this.index.get(text);
    if (id === undefined) {
      id = this.list.push(text) - 1;
      this.index.set(text, id);
    }
    return id;
  }
  text(id: number): string {
    return this.list[id] as string;
  }
}

type Numeric = Float64Array | Int32Array;

/** Columns of numbers that grow by doubling. */
class Columns<K extends string> {
  length = 0;
  private capacity = 1024;
  readonly cols: Record<K, Numeric>;
  constructor(private readonly spec: Record<K, 'f64' | 'i32'>) {
    this.cols = {} as Record<K, Numeric>;
    for (const k of Object.keys(spec) as K[]) this.cols[k] = this.make(spec[k], this.capacity);
  }
  private make(type: 'f64' | 'i32', n: number): Numeric {
    return type === 'f64' ? new Float64Array(n) : new Int32Array(n);
  }
  push(row: Record<K, number>): void {
    if (this.length === this.capacity) {
      this.capacity *= 2;
      for (const k of Object.keys(this.spec) as K[]) {
        const next = this.make(this.spec[k], this.capacity);
        next.set(this.cols[k]);
        this.cols[k] = next;
      }
    }
    for (const k of Object.keys(this.spec) as K[]) (this.cols[k] as Numeric)[this.length] = row[k];
    this.length++;
  }
  get(k: K, row: number): number {
    return (this.cols[k] as Numeric)[row] as number;
  }
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
  /** The file as the plan saw it, re-checked just before acting. */
  planned: Planned;
}

export interface Skipped {
  path: string;
  pathBase64?: string;
  allocatedBytes: number;
  reason: string;
}

export const ACTION_SPEC = {
  entry: 'i32',
  root: 'i32',
  kind: 'i32',
  reason: 'i32',
  frees: 'f64',
  dev: 'f64',
  ino: 'f64',
  size: 'f64',
  mtimeMs: 'f64',
} as const;
export type ActionRow = Record<keyof typeof ACTION_SPEC, number>;

/** The kinds of action: "delete rotated log", "compress log"... */
export interface ActionKind {
  action: 'delete' | 'compress';
  kind: string;
}

/** The actions of a plan: iterable like an array of CleanAction, with a length. */
export class PlannedActions implements Iterable<CleanAction> {
  private readonly rows = new Columns(ACTION_SPEC);
  readonly kinds: ActionKind[] = [];
  readonly strings = new StringTable();
  constructor(
    private readonly tree: DiskTree,
    private readonly nowMs: number,
  ) {}

  get length(): number {
    return this.rows.length;
  }

  kindId(kind: ActionKind): number {
    const found = this.kinds.findIndex((k) => k.action === kind.action && k.kind === kind.kind);
    return found >= 0 ? found : this.kinds.push(kind) - 1;
  }

  push(row: ActionRow): void {
    this.rows.push(row);
  }

  at(row: number): CleanAction {
    const r = this.rows;
    const entry = r.get('entry', row);
    const kind = this.kinds[r.get('kind', row)] as ActionKind;
    const mtimeMs = r.get('mtimeMs', row);
    return {
      action: kind.action,
      kind: kind.kind,
      reason: this.strings.text(r.get('reason', row)),
      ...jsonPath(this.tree.pathBytes(entry)),
      root: this.tree.path(r.get('root', row)),
      freesBytes: r.get('frees', row),
      estimated: kind.action === 'compress',
      allocatedBytes: this.tree.ownBytes(entry, 'allocated'),
      apparentBytes: r.get('size', row),
      mtime: new Date(mtimeMs).toISOString(),
      ageSeconds: Math.round((this.nowMs - this.tree.mtime(entry) * 1000) / 1000),
      planned: { dev: r.get('dev', row), ino: r.get('ino', row), size: r.get('size', row), mtimeMs },
    };
  }

  *[Symbol.iterator](): Iterator<CleanAction> {
    for (let row = 0; row < this.rows.length; row++) yield this.at(row);
  }

  /** How many rows of each action ("delete", "compress"). */
  count(action: ActionKind['action']): number {
    let n = 0;
    for (let row = 0; row < this.rows.length; row++)
      if ((this.kinds[this.rows.get('kind', row)] as ActionKind).action === action) n++;
    return n;
  }
}

/** Files left alone one by one (open, locked, hard-linked, not removable by this user), with why. */
export class SkippedFiles implements Iterable<Skipped> {
  private readonly rows = new Columns({ entry: 'i32', reason: 'i32', bytes: 'f64' } as const);
  private readonly strings = new StringTable();
  constructor(private readonly tree: DiskTree) {}

  get length(): number {
    return this.rows.length;
  }

  push(entry: number, reason: string, bytes: number): void {
    this.rows.push({ entry, reason: this.strings.id(reason), bytes });
  }

  at(row: number): Skipped {
    return {
      ...jsonPath(this.tree.pathBytes(this.rows.get('entry', row))),
      allocatedBytes: this.rows.get('bytes', row),
      reason: this.strings.text(this.rows.get('reason', row)),
    };
  }

  *[Symbol.iterator](): Iterator<Skipped> {
    for (let row = 0; row < this.rows.length; row++) yield this.at(row);
  }

  /** The `n` largest, largest first (one pass, a short sorted list). */
  largest(n: number): Skipped[] {
    const best: number[] = [];
    for (let row = 0; row < this.rows.length; row++) {
      const bytes = this.rows.get('bytes', row);
      if (best.length === n && bytes <= this.rows.get('bytes', best[n - 1] as number)) continue;
      let at = best.findIndex((b) => bytes > this.rows.get('bytes', b));
      if (at < 0) at = best.length;
      best.splice(at, 0, row);
      if (best.length > n) best.pop();
    }
    return best.map((row) => this.at(row));
  }
}
