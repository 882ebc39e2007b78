/// <reference lib="dom" />
/** Draws treemap.ts's cells as positioned boxes; a box's title says its path and size. */
import { el, fillWith } from './dom.js';
import { formatBytes } from './format.js';
import { treemap } from './treemap.js';
import type { ScanNode } from './wire.js';

/** Hues for the top-level entries, so a directory and what is inside it share a colour. */
const HUES = [212, 140, 28, 280, 350, 180, 48, 250, 100, 320];

export function drawTreemap(box: HTMLElement, tree: ScanNode, height: number): void {
  const width = Math.max(200, box.clientWidth);
  box.style.height = `${height}px`;
  const cells = treemap(tree, { x: 0, y: 0, w: width, h: height });
  const hueOf = new Map<string, number>();
  const nodes = cells.map((cell) => {
    const top = cell.path.split('/')[0] ?? cell.path;
    if (!hueOf.has(top)) hueOf.set(top, HUES[hueOf.size % HUES.length] ?? 0);
    const hue = hueOf.get(top) ?? 0;
    const light = 88 - cell.depth * 12;
    const node = el('div', {
      class: cell.parent ? 'tm-cell tm-parent' : 'tm-cell',
      title: `${cell.path}\n${formatBytes(cell.bytes)}`,
      'data-path': cell.path,
    });
    node.style.cssText = `left:${cell.x}px;top:${cell.y}px;width:${cell.w}px;height:${cell.h}px;background:hsl(${hue} 55% ${light}%)`;
    // a label only where it fits: a name needs ~40 px across and a line of text down
    if (cell.w > 40 && cell.h > 14)
      node.appendChild(el('span', {}, `${cell.name} ${formatBytes(cell.bytes)}`));
    return node;
  });
  fillWith(box, nodes);
}
