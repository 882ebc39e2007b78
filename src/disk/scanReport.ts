/**
 * What `hog disk [PATH...]` reports, as one value for both the table and --json: totals like du, the
 * tree down to --depth with the largest children first, the largest files, the directories holding
 * the most in their own files, and what could not be read.
 */
import { type CategoryId, categoryOf, classifyPath } from './categories.js';
import { compareLargest, largest, type Sized } from './largest.js';
import {
  FLAG_HARDLINK,
  FLAG_LINK_DUP,
  FLAG_OTHER_FS,
  FLAG_UNREADABLE,
  type WalkerInfo,
} from './scanTypes.js';
import { type Basis, type DiskTree, type EntryType, jsonPath, type Totals } from './tree.js';

export interface EntryReport {
  path: string;
  /** The exact bytes of the path in base64, only when they are not valid UTF-8. */
  pathBase64?: string;
  name: string;
  type: EntryType;
  allocatedBytes: number;
  apparentBytes: number;
  /** Files below a directory (hard links once); 1 for a file. */
  files: number;
  /** Newest modification time of the entry and everything below it. */
  newestMtime: string;
  category: CategoryId;
  /** unreadable | other-filesystem | hardlink | hardlink-counted-elsewhere */
  flags: string[];
  /** Children down to --depth, largest first, at most --top of them. */
  children?: EntryReport[];
  /** Children not listed (beyond --top, or files folded below --depth). */
  more?: { entries: number; allocatedBytes: number; apparentBytes: number };
}

export interface FileReport {
  path: string;
  pathBase64?: string;
  allocatedBytes: number;
  apparentBytes: number;
  mtime: string;
  category: CategoryId;
}

export interface DirectoryReport {
  path: string;
  pathBase64?: string;
  /** Files directly in the directory, not in its subdirectories. */
  ownAllocatedBytes: number;
  ownApparentBytes: number;
  ownFiles: number;
  allocatedBytes: number;
  apparentBytes: number;
}

export interface ScanIssue {
  path: string;
  pathBase64?: string;
  code: string;
  op: string;
  message: string;
}

export interface ScanReport {
  time: string;
  basis: Basis;
  total: Totals;
  roots: EntryReport[];
  topFiles: FileReport[];
  topDirectories: DirectoryReport[];
  errors: ScanIssue[];
  /** Directories on other filesystems (-x) or pseudo filesystems that were not entered. */
  skippedMounts: string[];
  vanished: number;
  hardlinks: number;
  walker: WalkerInfo;
  durationSeconds: number;
}

export interface ReportOptions {
  basis: Basis;
  depth: number;
  top: number;
  now: number;
  walker: WalkerInfo;
  durationSeconds: number;
  /** Category of an entry, when a full classification was made (--by category); else from its path. */
  category?: (entry: number) => CategoryId;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

const ERROR_TEXT: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
  EOVERFLOW: 'value too large',
};

function flagNames(flags: number): string[] {
  const names: string[] = [];
  if (flags & FLAG_UNREADABLE) names.push('unreadable');
  if (flags & FLAG_OTHER_FS) names.push('other-filesystem');
  if (flags & FLAG_HARDLINK) names.push('hardlink');
  if (flags & FLAG_LINK_DUP) names.push('hardlink-counted-elsewhere');
  return names;
}

/** Children sorted largest first (by the basis), then by name for a stable order. */
export function sortedChildren(
  tree: DiskTree,
  entry: number,
  basis: Basis,
  limit = Number.POSITIVE_INFINITY,
): number[] {
  // sizes once per child; names (a view each) only to break ties among the first `limit`
  const children = [...tree.children(entry)].map((i) => ({ i, bytes: tree.bytes(i, basis) }));
  const name = (i: number) => tree.nameBytes(i);
  const order = (a: { i: number; bytes: number }, b: { i: number; bytes: number }) =>
    b.bytes - a.bytes || Buffer.compare(name(a.i), name(b.i));
  const sorted = Number.isFinite(limit) ? largest(limit, children, order) : children.sort(order);
  return sorted.map((c) => c.i);
}

type Categorise = (entry: number) => CategoryId;

export function buildScanReport(tree: DiskTree, options: ReportOptions): ScanReport {
  const { basis } = options;
  const category: Categorise =
    options.category ?? ((i: number) => categoryOf(classifyPath(tree.path(i), tree.isDir(i))));
  return {
    time: new Date(options.now).toISOString(),
    basis,
    total: tree.totals(),
    roots: tree.roots().map((r) => entryReport(tree, r, 0, options, category)),
    topFiles: topFiles(tree, options, category),
    topDirectories: topDirectories(tree, options),
    errors: scanIssues(tree),
    skippedMounts: skippedMounts(tree),
    vanished: tree.raw.vanished,
    hardlinks: tree.raw.hardlinks,
    walker: options.walker,
    durationSeconds: options.durationSeconds,
  };
}

/** One entry with its largest children down to --depth, and what the listed children leave out. */
function entryReport(
  tree: DiskTree,
  i: number,
  depth: number,
  options: ReportOptions,
  category: Categorise,
): EntryReport {
  const report: EntryReport = {
    ...jsonPath(tree.pathBytes(i)),
    name: tree.name(i),
    type: tree.type(i),
    allocatedBytes: tree.bytes(i, 'allocated'),
    apparentBytes: tree.bytes(i, 'apparent'),
    files: tree.files(i),
    newestMtime: iso(tree.newest(i)),
    category: category(i),
    flags: flagNames(tree.flags(i)),
  };
  if (tree.isDir(i) && depth < options.depth) {
    const shown = sortedChildren(tree, i, options.basis, options.top);
    report.children = shown.map((c) => entryReport(tree, c, depth + 1, options, category));
    const rest = notListed(tree, i, shown, report);
    if (rest.entries > 0) report.more = rest;
  }
  return report;
}

/** What the listed children of directory `i` do not cover: more children, and files folded below --depth. */
function notListed(
  tree: DiskTree,
  i: number,
  shown: number[],
  report: EntryReport,
): NonNullable<EntryReport['more']> {
  const all = tree.children(i);
  const listed = shown.reduce(
    (sum, c) => ({
      alloc: sum.alloc + tree.bytes(c, 'allocated'),
      app: sum.app + tree.bytes(c, 'apparent'),
      n: sum.n + 1,
    }),
    { alloc: 0, app: 0, n: 0 },
  );
  const own = { alloc: tree.raw.allocated[i] as number, app: tree.raw.apparent[i] as number };
  let keptFiles = 0;
  for (const c of all) if (!tree.isDir(c) && tree.counted(c)) keptFiles++;
  const folded = tree.own(i, 'allocated').files - keptFiles;
  return {
    entries: all.length - shown.length + Math.max(0, folded),
    allocatedBytes: report.allocatedBytes - own.alloc - listed.alloc,
    apparentBytes: report.apparentBytes - own.app - listed.app,
  };
}

/** The largest files: among those the scan kept one by one and those the walker ranked while folding. */
function topFiles(tree: DiskTree, options: ReportOptions, category: Categorise): FileReport[] {
  const byApparent = options.basis === 'apparent';
  const sized = (i: number) => ({
    i,
    apparent: tree.raw.apparent[i] as number,
    allocated: tree.raw.allocated[i] as number,
    mtime: tree.mtime(i),
    name: tree.nameBytes(i),
  });
  // a scan that kept every file (for -i, -o, --by) has a million entries: select among indices and
  // make objects only for the few that rank
  const keptFiles = largest(options.top, keptFileIndices(tree), (a, b) =>
    compareLargest(sized(a), sized(b), byApparent),
  ).map(sized);
  const candidates: (Sized & { path: Buffer; category: () => CategoryId })[] = [
    ...keptFiles.map((f) => ({ ...f, path: tree.pathBytes(f.i), category: () => category(f.i) })),
    ...tree.raw.topFiles.map((f) => {
      const path = Buffer.concat([tree.pathBytes(f.parent), Buffer.from('/'), f.name]);
      return { ...f, path, category: () => categoryOf(classifyPath(path.toString('utf8'), false)) };
    }),
  ];
  const files: FileReport[] = largest(options.top, candidates, (a, b) =>
    compareLargest(a, b, byApparent),
  ).map((f) => fileReport(f.path, f.allocated, f.apparent, f.mtime, f.category()));
  return files.slice(0, options.top);
}

/** Directories by what their own files hold; ties broken by path (computed only for ties). */
function topDirectories(tree: DiskTree, options: ReportOptions): DirectoryReport[] {
  const { basis } = options;
  const paths = new Map<number, Buffer>();
  const pathOf = (i: number) => {
    let p = paths.get(i);
    if (!p) {
      p = tree.pathBytes(i);
      paths.set(i, p);
    }
    return p;
  };
  const ownDirs: { i: number; bytes: number; files: number }[] = [];
  for (let i = 0; i < tree.count; i++) {
    if (!tree.isDir(i) || !tree.counted(i)) continue;
    const own = tree.own(i, basis);
    if (own.files > 0) ownDirs.push({ i, bytes: own.bytes, files: own.files });
  }
  const dirs = largest(
    options.top,
    ownDirs,
    (a, b) => b.bytes - a.bytes || b.files - a.files || Buffer.compare(pathOf(a.i), pathOf(b.i)),
  ).map((d) => d.i);
  return dirs.slice(0, options.top).map((i) => ({
    ...jsonPath(tree.pathBytes(i)),
    ownAllocatedBytes: tree.own(i, 'allocated').bytes,
    ownApparentBytes: tree.own(i, 'apparent').bytes,
    ownFiles: tree.own(i, basis).files,
    allocatedBytes: tree.bytes(i, 'allocated'),
    apparentBytes: tree.bytes(i, 'apparent'),
  }));
}

/** The walker's errors, each with the path and what could not be done, in words. */
function scanIssues(tree: DiskTree): ScanIssue[] {
  return tree.raw.errors.map((e) => {
    const bytes = e.entry >= 0 ? tree.pathBytes(e.entry) : (e.path ?? Buffer.alloc(0));
    const what =
      e.op === 'open'
        ? 'cannot read directory'
        : e.op === 'read'
          ? 'error reading directory'
          : 'cannot stat entries in';
    return {
      ...jsonPath(bytes),
      code: e.code,
      op: e.op,
      message: `${what}: ${ERROR_TEXT[e.code] ?? e.code}`,
    };
  });
}

/** Directories on another filesystem that were not entered, sorted. */
function skippedMounts(tree: DiskTree): string[] {
  const skipped: string[] = [];
  for (let i = 0; i < tree.count; i++) {
    if (tree.flags(i) & FLAG_OTHER_FS && tree.isDir(i)) skipped.push(tree.path(i));
  }
  return skipped.sort();
}

function* keptFileIndices(tree: DiskTree): Generator<number> {
  for (let i = 0; i < tree.count; i++) if (!tree.isDir(i) && tree.counted(i)) yield i;
}

function fileReport(
  path: Buffer,
  allocated: number,
  apparent: number,
  mtime: number,
  category: CategoryId,
): FileReport {
  return {
    ...jsonPath(path),
    allocatedBytes: allocated,
    apparentBytes: apparent,
    mtime: iso(mtime),
    category,
  };
}
