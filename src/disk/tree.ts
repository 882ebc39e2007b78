/**
 * The scanned tree as views over the walker's flat arrays: names, paths, children, and per-directory
 * totals summed bottom-up once (parents come before children, so one backward pass does it).
 * Only directories get total slots, so a scan of a million files costs a few bytes per file here.
 */
import { isUtf8 } from 'node:buffer';
import {
  FLAG_LINK_DUP,
  FLAG_OTHER_FS,
  KIND_DIR,
  KIND_FILE,
  KIND_MASK,
  KIND_SYMLINK,
  type RawScan,
} from './scanTypes.js';

/** Which size to rank and show: blocks on disk (du's default) or bytes in the file (du --apparent-size). */
export type Basis = 'allocated' | 'apparent';

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface Totals {
  allocatedBytes: number;
  apparentBytes: number;
  /** Non-directory inodes (files, symlinks, devices...), hard links counted once. */
  files: number;
  directories: number;
}

type DirectoryTotals = NonNullable<RawScan['directoryTotals']>;

/** Sum every directory bottom-up, when the walker did not (the native walker does the same in C++). */
export function sumDirectories(raw: RawScan): DirectoryTotals {
  const { slot, entries } = directorySlots(raw);
  const t = totalsFromDirectoryEntries(raw, entries);
  addAggregates(t, slot, raw.aggregates);
  addUpToParents(t, slot, raw);
  return t;
}

/** Sizes a directory's total counts: not a second link to a counted inode, nor on another filesystem. */
function counted(kind: Uint8Array, i: number): boolean {
  return ((kind[i] as number) & (FLAG_LINK_DUP | FLAG_OTHER_FS)) === 0;
}

/** The directories in entry order, and each entry's slot among them (-1 for other entries). */
function directorySlots(raw: RawScan): { slot: Int32Array; entries: number[] } {
  const { count, kind } = raw;
  const slot = new Int32Array(count).fill(-1);
  const entries: number[] = [];
  for (let i = 0; i < count; i++) {
    if (((kind[i] as number) & KIND_MASK) === KIND_DIR) {
      slot[i] = entries.length;
      entries.push(i);
    }
  }
  return { slot, entries };
}

/** Totals that start from each directory's own entry: its size (if counted) and its mtime. */
function totalsFromDirectoryEntries(raw: RawScan, entries: readonly number[]): DirectoryTotals {
  const { kind, apparent, allocated, mtime } = raw;
  const n = entries.length;
  const t: DirectoryTotals = {
    entry: Int32Array.from(entries),
    apparent: new Float64Array(n),
    allocated: new Float64Array(n),
    files: new Float64Array(n),
    directories: new Float64Array(n),
    newest: new Float64Array(n),
    ownApparent: new Float64Array(n),
    ownAllocated: new Float64Array(n),
    ownFiles: new Float64Array(n),
  };
  for (let k = 0; k < n; k++) {
    const i = entries[k] as number;
    if (counted(kind, i)) {
      t.apparent[k] = apparent[i] as number;
      t.allocated[k] = allocated[i] as number;
    }
    t.newest[k] = mtime[i] as number;
  }
  return t;
}

/** The files the walker folded into their directory: counted as the directory's own, and in its total. */
function addAggregates(t: DirectoryTotals, slot: Int32Array, agg: RawScan['aggregates']): void {
  for (let a = 0; a < agg.entry.length; a++) {
    const k = slot[agg.entry[a] as number] as number;
    t.ownApparent[k] = (t.ownApparent[k] as number) + (agg.apparent[a] as number);
    t.ownAllocated[k] = (t.ownAllocated[k] as number) + (agg.allocated[a] as number);
    t.ownFiles[k] = (t.ownFiles[k] as number) + (agg.count[a] as number);
    t.apparent[k] = (t.apparent[k] as number) + (agg.apparent[a] as number);
    t.allocated[k] = (t.allocated[k] as number) + (agg.allocated[a] as number);
    t.files[k] = (t.files[k] as number) + (agg.count[a] as number);
    t.newest[k] = Math.max(t.newest[k] as number, agg.mtime[a] as number);
  }
}

/**
 * One backward pass (parents come before children): each counted entry adds into its parent, a
 * directory its whole total, any other entry its own size as the parent's own.
 */
function addUpToParents(t: DirectoryTotals, slot: Int32Array, raw: RawScan): void {
  const { count, parent, kind, apparent, allocated, mtime } = raw;
  for (let i = count - 1; i >= 0; i--) {
    const p = parent[i] as number;
    if (p < 0 || !counted(kind, i)) continue;
    const pk = slot[p] as number;
    const k = slot[i] as number;
    if (k >= 0) {
      t.apparent[pk] = (t.apparent[pk] as number) + (t.apparent[k] as number);
      t.allocated[pk] = (t.allocated[pk] as number) + (t.allocated[k] as number);
      t.files[pk] = (t.files[pk] as number) + (t.files[k] as number);
      t.directories[pk] = (t.directories[pk] as number) + (t.directories[k] as number) + 1;
      t.newest[pk] = Math.max(t.newest[pk] as number, t.newest[k] as number);
    } else {
      t.apparent[pk] = (t.apparent[pk] as number) + (apparent[i] as number);
      t.allocated[pk] = (t.allocated[pk] as number) + (allocated[i] as number);
      t.files[pk] = (t.files[pk] as number) + 1;
      t.ownApparent[pk] = (t.ownApparent[pk] as number) + (apparent[i] as number);
      t.ownAllocated[pk] = (t.ownAllocated[pk] as number) + (allocated[i] as number);
      t.ownFiles[pk] = (t.ownFiles[pk] as number) + 1;
      t.newest[pk] = Math.max(t.newest[pk] as number, mtime[i] as number);
    }
  }
}

export class DiskTree {
  readonly count: number;
  /** Slot of each directory entry in the per-directory arrays, -1 for other entries. */
  private readonly slot: Int32Array;
  private readonly totalApparent: Float64Array;
  private readonly totalAllocated: Float64Array;
  private readonly totalFiles: Float64Array;
  private readonly totalDirs: Float64Array;
  private readonly newestMtime: Float64Array;
  private readonly ownApparent: Float64Array;
  private readonly ownAllocated: Float64Array;
  private readonly ownFiles: Float64Array;
  private readonly rootList: number[];
  private childStart: Uint32Array | undefined;
  private childList: Int32Array | undefined;
  private removed: Uint8Array | undefined;

  constructor(readonly raw: RawScan) {
    this.count = raw.count;
    const t = raw.directoryTotals ?? sumDirectories(raw);
    this.slot = new Int32Array(raw.count).fill(-1);
    for (let k = 0; k < t.entry.length; k++) this.slot[t.entry[k] as number] = k;
    this.totalApparent = t.apparent;
    this.totalAllocated = t.allocated;
    this.totalFiles = t.files;
    this.totalDirs = t.directories;
    this.newestMtime = t.newest;
    this.ownApparent = t.ownApparent;
    this.ownAllocated = t.ownAllocated;
    this.ownFiles = t.ownFiles;
    this.rootList = [];
    for (let i = 0; i < raw.count; i++) if (raw.parent[i] === -1) this.rootList.push(i);
  }

  /** Add (sign 1) or take away (sign -1) entry i's totals from directory p and, when `ancestors`, above. */
  private addToParent(i: number, p: number, sign: 1 | -1, ancestors = false): void {
    const s = this.slot[i] as number;
    const app = s >= 0 ? (this.totalApparent[s] as number) : (this.raw.apparent[i] as number);
    const alloc = s >= 0 ? (this.totalAllocated[s] as number) : (this.raw.allocated[i] as number);
    const files = s >= 0 ? (this.totalFiles[s] as number) : 1;
    const dirs = s >= 0 ? (this.totalDirs[s] as number) + 1 : 0;
    const newest = s >= 0 ? (this.newestMtime[s] as number) : (this.raw.mtime[i] as number);
    for (let q = p; q >= 0; q = ancestors ? (this.raw.parent[q] as number) : -1) {
      const ps = this.slot[q] as number;
      this.totalApparent[ps] = (this.totalApparent[ps] as number) + sign * app;
      this.totalAllocated[ps] = (this.totalAllocated[ps] as number) + sign * alloc;
      this.totalFiles[ps] = (this.totalFiles[ps] as number) + sign * files;
      this.totalDirs[ps] = (this.totalDirs[ps] as number) + sign * dirs;
      if (sign > 0) this.newestMtime[ps] = Math.max(this.newestMtime[ps] as number, newest);
      if (s < 0 && q === p) {
        this.ownApparent[ps] = (this.ownApparent[ps] as number) + sign * app;
        this.ownAllocated[ps] = (this.ownAllocated[ps] as number) + sign * alloc;
        this.ownFiles[ps] = (this.ownFiles[ps] as number) + sign * files;
      }
    }
  }

  roots(): number[] {
    return [...this.rootList];
  }

  parentOf(i: number): number {
    return this.raw.parent[i] as number;
  }

  type(i: number): EntryType {
    const k = (this.raw.kind[i] as number) & KIND_MASK;
    return k === KIND_DIR ? 'directory' : k === KIND_FILE ? 'file' : k === KIND_SYMLINK ? 'symlink' : 'other';
  }

  isDir(i: number): boolean {
    return this.slot[i] !== -1;
  }

  flags(i: number): number {
    return (this.raw.kind[i] as number) & ~KIND_MASK;
  }

  /** Whether the entry's size counts: not a second hard link, not on a skipped filesystem, not deleted. */
  counted(i: number): boolean {
    return ((this.raw.kind[i] as number) & (FLAG_LINK_DUP | FLAG_OTHER_FS)) === 0 && !this.removed?.[i];
  }

  isRemoved(i: number): boolean {
    return this.removed?.[i] === 1;
  }

  /** Size of the entry: a directory's total, a file's own size; 0 when not counted. */
  bytes(i: number, basis: Basis): number {
    if (!this.counted(i)) return 0;
    const s = this.slot[i] as number;
    if (basis === 'allocated')
      return s >= 0 ? (this.totalAllocated[s] as number) : (this.raw.allocated[i] as number);
    return s >= 0 ? (this.totalApparent[s] as number) : (this.raw.apparent[i] as number);
  }

  /** The entry's own size, even when it is not counted (a second hard link shows the inode's size). */
  ownBytes(i: number, basis: Basis): number {
    return basis === 'allocated' ? (this.raw.allocated[i] as number) : (this.raw.apparent[i] as number);
  }

  /** Files below a directory (hard links once), or 1 for a counted file. */
  files(i: number): number {
    if (!this.counted(i)) return 0;
    const s = this.slot[i] as number;
    return s >= 0 ? (this.totalFiles[s] as number) : 1;
  }

  /** Directories below a directory, itself not included. */
  directories(i: number): number {
    const s = this.slot[i] as number;
    return s >= 0 && this.counted(i) ? (this.totalDirs[s] as number) : 0;
  }

  /** Newest mtime (seconds) of the entry and, for a directory, of everything below it. */
  newest(i: number): number {
    const s = this.slot[i] as number;
    return s >= 0 ? (this.newestMtime[s] as number) : (this.raw.mtime[i] as number);
  }

  mtime(i: number): number {
    return this.raw.mtime[i] as number;
  }

  /** Files directly in a directory (not in its subdirectories): their size and count. */
  own(i: number, basis: Basis): { bytes: number; files: number } {
    const s = this.slot[i] as number;
    if (s < 0) return { bytes: 0, files: 0 };
    return {
      bytes: basis === 'allocated' ? (this.ownAllocated[s] as number) : (this.ownApparent[s] as number),
      files: this.ownFiles[s] as number,
    };
  }

  nameBytes(i: number): Buffer {
    return this.raw.names.subarray(this.raw.nameStart[i], this.raw.nameStart[i + 1]);
  }

  /** The name for display (bytes that are not UTF-8 show as U+FFFD). A root's name is its path. */
  name(i: number): string {
    return this.nameBytes(i).toString('utf8');
  }

  pathBytes(i: number): Buffer {
    const chain: number[] = [];
    for (let q = i; q >= 0; q = this.raw.parent[q] as number) chain.push(q);
    const parts: Buffer[] = [];
    for (let k = chain.length - 1; k >= 0; k--) {
      const last = parts[parts.length - 1];
      if (last !== undefined && last[last.length - 1] !== 0x2f) parts.push(Buffer.from('/'));
      parts.push(this.nameBytes(chain[k] as number));
    }
    return Buffer.concat(parts);
  }

  path(i: number): string {
    return this.pathBytes(i).toString('utf8');
  }

  depth(i: number): number {
    let d = 0;
    for (let q = this.raw.parent[i] as number; q >= 0; q = this.raw.parent[q] as number) d++;
    return d;
  }

  /** Children of entry i (entries only: files folded into aggregates are not listed). */
  children(i: number): Int32Array {
    if (!this.childStart || !this.childList) this.indexChildren();
    const start = this.childStart as Uint32Array;
    return (this.childList as Int32Array).subarray(start[i], start[i + 1]);
  }

  private indexChildren(): void {
    const { count, parent } = this.raw;
    const start = new Uint32Array(count + 1);
    for (let i = 0; i < count; i++) {
      const p = parent[i] as number;
      if (p >= 0) start[p + 1] = (start[p + 1] as number) + 1;
    }
    for (let i = 0; i < count; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number);
    const fill = start.slice(0, count);
    const list = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const p = parent[i] as number;
      if (p >= 0) list[(fill[p] as number)++] = i;
    }
    this.childStart = start;
    this.childList = list;
  }

  /** Forget a deleted entry: its sizes leave every ancestor's totals. */
  remove(i: number): void {
    if (this.isRemoved(i)) return;
    const p = this.raw.parent[i] as number;
    if (p >= 0 && this.counted(i)) this.addToParent(i, p, -1, true);
    this.removed ??= new Uint8Array(this.count);
    this.removed[i] = 1;
  }

  /** Totals over all roots. */
  totals(): Totals {
    const t: Totals = { allocatedBytes: 0, apparentBytes: 0, files: 0, directories: 0 };
    for (const r of this.roots()) {
      t.allocatedBytes += this.bytes(r, 'allocated');
      t.apparentBytes += this.bytes(r, 'apparent');
      t.files += this.files(r);
      t.directories += this.isDir(r) ? this.directories(r) + 1 : 0;
    }
    return t;
  }
}

/** A path for JSON: the text, plus its exact bytes in base64 when they are not valid UTF-8. */
export function jsonPath(bytes: Buffer): { path: string; pathBase64?: string } {
  const path = bytes.toString('utf8');
  return isUtf8(bytes) ? { path } : { path, pathBase64: bytes.toString('base64') };
}
