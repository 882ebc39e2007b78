/**
 * The squarified treemap of a disk scan (Bruls, Huizing and van Wijk, "Squarified Treemaps", 2000):
 * children are laid in rows along the shorter side of the space left, a row taking items while that
 * keeps its worst aspect ratio from getting worse. Pure: a tree and a rectangle in, cells out; the
 * view draws them.
 */
import type { ScanNode } from './wire.js';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface TreemapCell extends Rect {
  name: string;
  /** Names from the scanned root's child down to this node, joined by "/". */
  path: string;
  bytes: number;
  depth: number;
  /** Drawn with its children inside it (and its name in a header strip). */
  parent: boolean;
}

export interface TreemapOptions {
  /** How many levels below the root to draw. */
  maxDepth: number;
  /** Height of the name strip a parent cell keeps above its children. */
  header: number;
  /** Cells narrower or lower than this are not emitted (their space stays empty). */
  minSide: number;
  /** Children beyond the largest `maxChildren` become one "(N more)" cell. */
  maxChildren: number;
}

const DEFAULTS: TreemapOptions = { maxDepth: 2, header: 16, minSide: 3, maxChildren: 60 };

export interface Item {
  node: ScanNode;
  name: string;
  bytes: number;
  area: number;
}

/** Aspect ratio of the worst item if `areas` (summing to `sum`) filled a strip of length `side`. */
function worst(min: number, max: number, sum: number, side: number): number {
  const s2 = sum * sum;
  const w2 = side * side;
  return Math.max((w2 * max) / s2, s2 / (w2 * min));
}

/** Place one finished row along the shorter side of `rect`; returns the space left. */
function placeRow(row: Item[], sum: number, rect: Rect, out: [Item, Rect][]): Rect {
  if (rect.w >= rect.h) {
    // a column at the left, as wide as the row's area needs over the full height
    const width = rect.h > 0 ? sum / rect.h : 0;
    let y = rect.y;
    for (const item of row) {
      const h = width > 0 ? item.area / width : 0;
      out.push([item, { x: rect.x, y, w: width, h }]);
      y += h;
    }
    return { x: rect.x + width, y: rect.y, w: rect.w - width, h: rect.h };
  }
  const height = rect.w > 0 ? sum / rect.w : 0;
  let x = rect.x;
  for (const item of row) {
    const w = height > 0 ? item.area / height : 0;
    out.push([item, { x, y: rect.y, w, h: height }]);
    x += w;
  }
  return { x: rect.x, y: rect.y + height, w: rect.w, h: rect.h - height };
}

/** Lay items (largest first, areas summing to the rectangle's area) out in `rect`. */
export function squarify(items: Item[], rect: Rect): [Item, Rect][] {
  const out: [Item, Rect][] = [];
  let space = rect;
  let row: Item[] = [];
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const item of items) {
    const side = Math.min(space.w, space.h);
    if (row.length > 0) {
      const before = worst(min, max, sum, side);
      const after = worst(Math.min(min, item.area), Math.max(max, item.area), sum + item.area, side);
      if (after > before) {
        space = placeRow(row, sum, space, out);
        row = [];
        sum = 0;
        min = Number.POSITIVE_INFINITY;
        max = 0;
      }
    }
    row.push(item);
    sum += item.area;
    min = Math.min(min, item.area);
    max = Math.max(max, item.area);
  }
  if (row.length > 0) placeRow(row, sum, space, out);
  return out;
}

/**
 * The children of a node as items to lay out: the largest `maxChildren`, one "(N more)" item for the
 * rest, and "(files)" for what the node holds beyond its listed children (files directly in it).
 */
function itemsOf(node: ScanNode, rect: Rect, options: TreemapOptions): Item[] {
  const children = (node.children ?? []).filter((c) => c.bytes > 0).sort((a, b) => b.bytes - a.bytes);
  const shown = children.slice(0, options.maxChildren);
  const entries: { node: ScanNode; name: string; bytes: number }[] = shown.map((c) => ({
    node: c,
    name: c.name,
    bytes: c.bytes,
  }));
  let rest = 0;
  for (let i = options.maxChildren; i < children.length; i++) rest += children[i]?.bytes ?? 0;
  if (rest > 0) {
    const name = `(${children.length - options.maxChildren} more)`;
    entries.push({ node: { name, bytes: rest }, name, bytes: rest });
  }
  let listed = 0;
  for (const c of children) listed += c.bytes;
  if (node.bytes > listed && listed > 0) {
    const own = node.bytes - listed;
    entries.push({ node: { name: '(files)', bytes: own }, name: '(files)', bytes: own });
  }
  entries.sort((a, b) => b.bytes - a.bytes);
  const total = Math.max(node.bytes, listed + rest);
  const area = rect.w * rect.h;
  return entries.map((e) => ({ ...e, area: total > 0 ? (e.bytes / total) * area : 0 }));
}

/** The cells of `tree` laid out in `rect`, parents before their children (the drawing order). */
export function treemap(tree: ScanNode, rect: Rect, partial: Partial<TreemapOptions> = {}): TreemapCell[] {
  const options = { ...DEFAULTS, ...partial };
  const cells: TreemapCell[] = [];
  const visit = (node: ScanNode, area: Rect, depth: number, prefix: string) => {
    for (const [item, r] of squarify(itemsOf(node, area, options), area)) {
      if (r.w < options.minSide || r.h < options.minSide) continue;
      const path = prefix === '' ? item.name : `${prefix}/${item.name}`;
      const kids = item.node.children?.some((c) => c.bytes > 0) ?? false;
      const inner = { x: r.x + 1, y: r.y + options.header, w: r.w - 2, h: r.h - options.header - 1 };
      const parent =
        kids && depth < options.maxDepth && inner.w >= options.minSide && inner.h >= options.minSide;
      cells.push({ ...r, name: item.name, path, bytes: item.bytes, depth, parent });
      if (parent) visit(item.node, inner, depth + 1, path);
    }
  };
  visit(tree, rect, 1, '');
  return cells;
}
