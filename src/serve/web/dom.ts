/// <reference lib="dom" />
/**
 * The few DOM helpers the pages share. Text from the machine (process names, command lines, paths,
 * finding details) only ever reaches the page as textContent, never as HTML.
 */
import type { Badge } from './badges.js';

type Child = Node | string | null | undefined | false;

/** `el('td', { class: 'num' }, '12 MiB')`: an element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  append(node, children);
  return node;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replace everything inside `node` with `children`. */
export function fill(node: Element, ...children: Child[]): void {
  fillWith(node, children);
}

/** The same with a list (a table's rows, a treemap's cells: no spread of a long array into a call). */
export function fillWith<E extends Element>(node: E, children: readonly Child[]): E {
  node.replaceChildren();
  append(node, children);
  return node;
}

export function badgeEl(badge: Badge): HTMLSpanElement {
  return el('span', { class: `badge badge-${badge.tone}`, title: badge.title }, badge.label);
}

/** A titled panel: `<section class="panel"><h2>title</h2>...</section>`. */
export function panel(title: string, ...children: Child[]): HTMLElement {
  const section = el('section', { class: 'panel' }, el('h2', {}, title));
  append(section, children);
  return section;
}

/** A definition list of label/value pairs, for the overview's cards. */
export function facts(rows: [string, Child][]): HTMLDListElement {
  const list = el('dl', { class: 'facts' });
  for (const [label, value] of rows) append(list, [el('dt', {}, label), el('dd', {}, value)]);
  return list;
}

/** A table with a header row; `cells` builds one row's cells from an item. */
export function table<T>(
  headers: string[],
  items: readonly T[],
  cells: (item: T) => Child[],
  rowAttrs: (item: T) => Record<string, string> = () => ({}),
): HTMLDivElement {
  const head = el('tr');
  append(
    head,
    headers.map((h) => el('th', {}, h)),
  );
  const body = el('tbody');
  for (const item of items) {
    const row = el('tr', rowAttrs(item));
    append(
      row,
      cells(item).map((c) => el('td', {}, c)),
    );
    body.appendChild(row);
  }
  // in a box of its own that scrolls sideways on a narrow screen, not the page
  return el('div', { class: 'table-wrap' }, el('table', { class: 'grid' }, el('thead', {}, head), body));
}
