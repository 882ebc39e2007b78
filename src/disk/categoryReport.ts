/**
 * `hog disk --by category`: usage split by the categories table (categories.ts), each with how old
 * its data is (mtime age buckets), and the logs that are cleanup candidates (too big or too old).
 * Every entry's own size lands in exactly one category, so the rows add up to the scan's total.
 */
import {
  CATEGORY_IDS,
  CATEGORY_LABELS,
  type CategoryId,
  categoryOf,
  classifyPath,
  kindOf,
  MAX_UNDER_DEPTH,
  matchDirectory,
  matchFile,
  NO_RULE,
} from './categories.js';
import { type Basis, type DiskTree, jsonPath, type Totals } from './tree.js';

/** Age buckets by modification time, as a cleanup policy reads them: today, this week, this month, this year, older. */
export const AGE_BUCKETS = [
  { label: '<1d', maxSeconds: 86400 },
  { label: '1-7d', maxSeconds: 7 * 86400 },
  { label: '7-30d', maxSeconds: 30 * 86400 },
  { label: '30d-1y', maxSeconds: 365 * 86400 },
  { label: '>1y', maxSeconds: Number.POSITIVE_INFINITY },
] as const;

export function ageBucket(ageSeconds: number): number {
  const i = AGE_BUCKETS.findIndex((b) => ageSeconds < b.maxSeconds);
  return i < 0 ? AGE_BUCKETS.length - 1 : i;
}

/** The category rule of every entry (index into CATEGORY_RULES, or NO_RULE), top-down: parents first. */
export function classifyTree(tree: DiskTree): Int16Array {
  const rules = new Int16Array(tree.count).fill(NO_RULE);
  const absDepth = new Uint16Array(tree.count);
  const dirPath = new Map<number, string>();
  for (let i = 0; i < tree.count; i++) {
    const p = tree.parentOf(i);
    if (p < 0) {
      const path = tree.path(i);
      rules[i] = classifyPath(path, tree.isDir(i));
      absDepth[i] = path.split('/').filter((x) => x !== '').length;
      if (tree.isDir(i)) dirPath.set(i, path.replace(/\/+$/, '') || '/');
      continue;
    }
    const name = tree.name(i);
    if (tree.isDir(i)) {
      const depth = (absDepth[p] as number) + 1;
      absDepth[i] = depth;
      let path: string | undefined;
      const parentPath = dirPath.get(p);
      if (depth <= MAX_UNDER_DEPTH && parentPath !== undefined) {
        path = `${parentPath === '/' ? '' : parentPath}/${name}`;
        dirPath.set(i, path);
      }
      rules[i] = matchDirectory(path, name) ?? (rules[p] as number);
    } else {
      rules[i] = matchFile(name, rules[p] as number);
    }
  }
  return rules;
}

export interface CategoryRow {
  category: CategoryId;
  label: string;
  allocatedBytes: number;
  apparentBytes: number;
  /** Entries (files, directories, links) in the category. */
  entries: number;
  /** Share of the total, by the basis, in percent. */
  percent: number;
  /** Bytes (by the basis) per AGE_BUCKETS bucket. */
  ageBytes: number[];
  /** What it is made of: the kinds from the rules, largest first. */
  kinds: { kind: string; bytes: number }[];
}

export interface LogCandidate {
  path: string;
  pathBase64?: string;
  allocatedBytes: number;
  apparentBytes: number;
  mtime: string;
  ageSeconds: number;
  kind: string;
  reasons: ('size' | 'age')[];
}

export interface CategoryReport {
  time: string;
  basis: Basis;
  total: Totals;
  ageBuckets: string[];
  categories: CategoryRow[];
  logCandidates: LogCandidate[];
  thresholds: { logSizeBytes: number; logAgeSeconds: number };
}

export interface CategoryOptions {
  basis: Basis;
  now: number;
  logSizeBytes: number;
  logAgeSeconds: number;
  top: number;
}

/** The report's rows and their totals so far, one per category, as the walk fills them. */
type Rows = Map<CategoryId, CategoryRow>;

export function buildCategoryReport(tree: DiskTree, options: CategoryOptions): CategoryReport {
  const rules = classifyTree(tree);
  const rows = emptyRows();
  const kinds = new Map<CategoryId, Map<string, number>>();
  const candidates: LogCandidate[] = [];
  const nowSeconds = options.now / 1000;
  for (let i = 0; i < tree.count; i++) {
    if (!tree.counted(i)) continue;
    const rule = rules[i] as number;
    const category = categoryOf(rule);
    const row = rows.get(category) as CategoryRow;
    const allocated = tree.ownBytes(i, 'allocated');
    const apparent = tree.ownBytes(i, 'apparent');
    const bytes = options.basis === 'allocated' ? allocated : apparent;
    row.allocatedBytes += allocated;
    row.apparentBytes += apparent;
    row.entries++;
    // mtime 0 is unknown (an ncdu export without -e): in no age bucket, and never old enough to clean
    const known = tree.mtime(i) > 0;
    const age = known ? Math.max(0, nowSeconds - tree.mtime(i)) : 0;
    if (known) row.ageBytes[ageBucket(age)] = (row.ageBytes[ageBucket(age)] as number) + bytes;
    const byKind = kinds.get(category) ?? new Map<string, number>();
    byKind.set(kindOf(rule), (byKind.get(kindOf(rule)) ?? 0) + bytes);
    kinds.set(category, byKind);
    if (category === 'logs' && !tree.isDir(i) && allocated > 0) {
      const candidate = logCandidate(tree, i, kindOf(rule), known ? age : undefined, options);
      if (candidate) candidates.push(candidate);
    }
  }
  addAggregates(tree, rules, rows, options.basis, nowSeconds);
  const total = tree.totals();
  finishRows(
    rows,
    kinds,
    options.basis === 'allocated' ? total.allocatedBytes : total.apparentBytes,
    options.basis,
  );
  const key = (c: LogCandidate) => (options.basis === 'allocated' ? c.allocatedBytes : c.apparentBytes);
  return {
    time: new Date(options.now).toISOString(),
    basis: options.basis,
    total,
    ageBuckets: AGE_BUCKETS.map((b) => b.label),
    categories: [...rows.values()].sort(
      (a, b) =>
        (options.basis === 'allocated'
          ? b.allocatedBytes - a.allocatedBytes
          : b.apparentBytes - a.apparentBytes) ||
        CATEGORY_IDS.indexOf(a.category) - CATEGORY_IDS.indexOf(b.category),
    ),
    logCandidates: candidates.sort((a, b) => key(b) - key(a)).slice(0, Math.max(options.top, 20)),
    thresholds: { logSizeBytes: options.logSizeBytes, logAgeSeconds: options.logAgeSeconds },
  };
}

function emptyRows(): Rows {
  return new Map<CategoryId, CategoryRow>(
    CATEGORY_IDS.map((c) => [
      c,
      {
        category: c,
        label: CATEGORY_LABELS[c],
        allocatedBytes: 0,
        apparentBytes: 0,
        entries: 0,
        percent: 0,
        ageBytes: new Array(AGE_BUCKETS.length).fill(0),
        kinds: [],
      },
    ]),
  );
}

/** A log file big or old enough to list as a cleanup candidate (age undefined: its mtime is unknown). */
function logCandidate(
  tree: DiskTree,
  i: number,
  kind: string,
  age: number | undefined,
  options: CategoryOptions,
): LogCandidate | undefined {
  const allocated = tree.ownBytes(i, 'allocated');
  const reasons: ('size' | 'age')[] = [];
  if (allocated >= options.logSizeBytes) reasons.push('size');
  if (age !== undefined && age >= options.logAgeSeconds) reasons.push('age');
  if (reasons.length === 0) return undefined;
  return {
    ...jsonPath(tree.pathBytes(i)),
    allocatedBytes: allocated,
    apparentBytes: tree.ownBytes(i, 'apparent'),
    mtime: new Date(tree.mtime(i) * 1000).toISOString(),
    ageSeconds: Math.round(age ?? 0),
    kind,
    reasons,
  };
}

/** Aggregates (files folded below --depth) have no names: they count as their directory's category. */
function addAggregates(
  tree: DiskTree,
  rules: ArrayLike<number>,
  rows: Rows,
  basis: Basis,
  nowSeconds: number,
): void {
  const agg = tree.raw.aggregates;
  for (let k = 0; k < agg.entry.length; k++) {
    const row = rows.get(categoryOf(rules[agg.entry[k] as number] as number)) as CategoryRow;
    row.allocatedBytes += agg.allocated[k] as number;
    row.apparentBytes += agg.apparent[k] as number;
    row.entries += agg.count[k] as number;
    if (!((agg.mtime[k] as number) > 0)) continue; // unknown: in no age bucket
    const bucket = ageBucket(Math.max(0, nowSeconds - (agg.mtime[k] as number)));
    row.ageBytes[bucket] =
      (row.ageBytes[bucket] as number) +
      ((basis === 'allocated' ? agg.allocated[k] : agg.apparent[k]) as number);
  }
}

/** Each row's share of the total and its kinds, largest first. */
function finishRows(
  rows: Rows,
  kinds: Map<CategoryId, Map<string, number>>,
  totalBytes: number,
  basis: Basis,
): void {
  for (const row of rows.values()) {
    const bytes = basis === 'allocated' ? row.allocatedBytes : row.apparentBytes;
    row.percent = totalBytes > 0 ? (bytes / totalBytes) * 100 : 0;
    row.kinds = [...(kinds.get(row.category) ?? new Map<string, number>()).entries()]
      .map(([kind, b]) => ({ kind, bytes: b }))
      .sort((a, b) => b.bytes - a.bytes);
  }
}
