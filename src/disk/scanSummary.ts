/**
 * A scan made small enough to keep and to send as JSON: the tree down to a few levels, each directory's
 * small children folded into one "(N more)" node so the whole summary has at most about `maxNodes`
 * nodes, plus the category split (the rows of `hog disk --by category`). `hog serve --scan` stores one
 * of these per scan; the dashboard draws the tree as a treemap.
 */
import { NotFoundError } from '../errors.js';
import { buildCategoryReport } from './categoryReport.js';
import type { Basis, DiskTree } from './tree.js';

export interface SummaryNode {
  name: string;
  bytes: number;
  children?: SummaryNode[];
}

export interface ScanSummary {
  root: string;
  bytes: number;
  /** Files, directories and links counted in the scan. */
  entries: number;
  tree: SummaryNode;
  categories: { name: string; bytes: number }[];
}

export interface SummaryOptions {
  basis: Basis;
  /** Levels below the root kept (the root is level 0). */
  depth: number;
  /** Nodes in the whole tree at most (folded nodes included), give or take one per directory. */
  maxNodes: number;
  now: number;
}

export const SUMMARY_DEFAULTS = { depth: 3, maxNodes: 200 } as const;

/** One node per kept child, largest first; the rest folded into "(N more)". */
function summarize(tree: DiskTree, i: number, level: number, budget: { left: number }, o: SummaryOptions) {
  const node: SummaryNode = { name: tree.name(i), bytes: tree.bytes(i, o.basis) };
  if (level >= o.depth || !tree.isDir(i)) return node;
  const children = Array.from(tree.children(i))
    .filter((c) => tree.counted(c))
    .map((c) => ({ c, bytes: tree.bytes(c, o.basis) }))
    .sort((a, b) => b.bytes - a.bytes);
  if (children.length === 0) return node;
  // a directory takes at most half of what is left, so one wide directory near the top cannot use the
  // whole budget; the "(N more)" node counts too, and with no room left the directory is a leaf
  let keep = Math.min(children.length, Math.max(1, Math.floor(budget.left / 2)), budget.left);
  if (keep < children.length && keep + 1 > budget.left) keep = budget.left - 1;
  if (keep <= 0) return node;
  const folded = children.length - keep;
  budget.left -= keep + (folded > 0 ? 1 : 0);
  node.children = [];
  for (const { c } of children.slice(0, keep)) node.children.push(summarize(tree, c, level + 1, budget, o));
  if (folded > 0) {
    let rest = 0;
    for (const { bytes } of children.slice(keep)) rest += bytes;
    node.children.push({ name: `(${folded} more)`, bytes: rest });
  }
  return node;
}

export function summarizeScan(tree: DiskTree, options: SummaryOptions): ScanSummary {
  const [root] = tree.roots();
  // the walker records an unreadable or missing root as an error and leaves the tree empty
  if (root === undefined)
    throw new NotFoundError('nothing could be read at the scanned path', {
      hint: 'check that it exists and that hog may read it',
    });
  const summary = summarize(tree, root, 0, { left: options.maxNodes - 1 }, options);
  const report = buildCategoryReport(tree, {
    basis: options.basis,
    now: options.now,
    logSizeBytes: Number.POSITIVE_INFINITY,
    logAgeSeconds: Number.POSITIVE_INFINITY,
    top: 0,
  });
  const categories = report.categories
    .map((row) => ({
      name: row.label,
      bytes: options.basis === 'allocated' ? row.allocatedBytes : row.apparentBytes,
    }))
    .filter((row) => row.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  const total = tree.totals();
  return {
    root: tree.path(root),
    bytes: summary.bytes,
    entries: total.files + total.directories,
    tree: summary,
    categories,
  };
}
