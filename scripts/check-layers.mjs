#!/usr/bin/env node
/**
 * The layering check (DESIGN.md, "Imports point down only, never in a circle"), run by `npm run lint`.
 *
 *     cli -> doctor, serve, profiler -> render -> store -> memory, net, disk, heap, shape, inspector
 *         -> proc -> errors, addon, clock
 *
 * How DESIGN.md is read here:
 * - A folder under src/ is a module; its subfolders (net/bench, doctor/checks) belong to it. Files
 *   inside one module import each other freely, as long as there is no circle.
 * - src/index.ts is the library's public surface: it sits above everything and may import anything.
 * - The root files (errors, addon, clock, and version: package.json's version) are the bottom layer.
 * - Folders listed on the same layer (memory, net, disk...) are peers, not a stack: DESIGN.md gives no
 *   order between them, so an import across peers is not "down" and is reported (a peer import is how
 *   two resources end up in a circle).
 * - Type-only imports count: the rule is about what a layer knows, not only about what it loads.
 *
 * Imports are found with a regex over the source (static `from '...'`, side-effect `import '...'`, and
 * dynamic `import('...')`); only relative specifiers are followed, packages are outside the graph.
 *
 * Usage: node scripts/check-layers.mjs [srcDir]   (exit 1 on a new violation, listing each)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Layer of each module: a higher number sits higher; an import must go to a strictly lower one. */
export const LAYERS = {
  'index.ts': 7,
  cli: 6,
  doctor: 5,
  serve: 5,
  profiler: 5,
  render: 4,
  store: 3,
  memory: 2,
  net: 2,
  disk: 2,
  heap: 2,
  shape: 2,
  inspector: 2,
  proc: 1,
  'errors.ts': 0,
  'addon.ts': 0,
  'clock.ts': 0,
  'version.ts': 0,
};

/**
 * Imports let through against the layers while the code is moved, each as `from -> to` (paths under
 * src/) with the reason in a comment beside it. Empty since issue 15 ended the last ones; an entry whose
 * import is gone is reported, so the list cannot rot.
 */
export const KNOWN_EXCEPTIONS = [];

/** Every .ts file under dir, as absolute paths. */
function listSources(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'native') out.push(...listSources(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Block comments and whole-line `//` comments removed, so an import quoted in a comment is not read. */
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Relative import specifiers of one source text. */
export function importsOf(text) {
  const found = [];
  for (const match of stripComments(text).matchAll(IMPORT)) found.push(match[1]);
  return found;
}

/** Module of a path under src/ ('net/bench/hello.ts' -> 'net'; 'errors.ts' -> 'errors.ts'). */
export function moduleOf(path) {
  const slash = path.indexOf('/');
  return slash === -1 ? path : path.slice(0, slash);
}

/** The import graph: file under src (posix path) -> files it imports. */
export function importGraph(srcDir) {
  const graph = new Map();
  for (const file of listSources(srcDir)) {
    const from = relative(srcDir, file).split(sep).join('/');
    const targets = new Set();
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const target = relative(srcDir, resolve(dirname(file), spec))
        .split(sep)
        .join('/');
      targets.add(target.replace(/\.js$/, '.ts'));
    }
    graph.set(from, [...targets].sort());
  }
  return graph;
}

/** Imports that do not go down a layer (`from -> to`); imports within one module are not judged here. */
export function upwardImports(graph) {
  const found = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const a = moduleOf(from);
      const b = moduleOf(to);
      if (a === b) continue;
      const la = LAYERS[a];
      const lb = LAYERS[b];
      if (la === undefined) found.push(`${from} -> ${to} (module ${a} has no layer in DESIGN.md)`);
      else if (lb === undefined) found.push(`${from} -> ${to} (module ${b} has no layer in DESIGN.md)`);
      else if (lb >= la) found.push(`${from} -> ${to}`);
    }
  }
  return found;
}

/** Circles among files, each as `a -> b -> ... -> a`, found by a depth-first walk (iterative: big trees). */
export function circles(graph) {
  const state = new Map(); // 1 on the current path, 2 done
  const found = [];
  for (const start of [...graph.keys()].sort()) {
    if (state.has(start)) continue;
    const path = [start];
    const next = [0];
    state.set(start, 1);
    while (path.length > 0) {
      const node = path[path.length - 1];
      const targets = graph.get(node) ?? [];
      const i = next[next.length - 1];
      if (i >= targets.length) {
        state.set(node, 2);
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = i + 1;
      const to = targets[i];
      if (!graph.has(to)) continue;
      const seen = state.get(to);
      if (seen === 1) found.push([...path.slice(path.indexOf(to)), to].join(' -> '));
      else if (seen === undefined) {
        state.set(to, 1);
        path.push(to);
        next.push(0);
      }
    }
  }
  return found;
}

/** The check: new violations, and known exceptions that no longer occur. */
export function checkLayers(srcDir, knownExceptions = KNOWN_EXCEPTIONS) {
  const graph = importGraph(srcDir);
  const upward = upwardImports(graph);
  const known = new Set(knownExceptions);
  return {
    circles: circles(graph),
    upward: upward.filter((v) => !known.has(v)),
    stale: knownExceptions.filter((v) => !upward.includes(v)),
  };
}

function main() {
  const here = dirname(fileURLToPath(import.meta.url));
  const srcDir = resolve(process.argv[2] ?? join(here, '..', 'src'));
  const result = checkLayers(srcDir);
  const lines = [
    ...result.circles.map((c) => `circle: ${c}`),
    ...result.upward.map((u) => `import against the layers: ${u}`),
    ...result.stale.map(
      (s) => `known exception no longer occurs, remove it from scripts/check-layers.mjs: ${s}`,
    ),
  ];
  if (lines.length === 0) return;
  for (const line of lines) console.error(`check-layers: ${line}`);
  console.error(
    'check-layers: imports point down only, never in a circle (DESIGN.md, Layout): ' +
      'cli -> doctor, serve, profiler -> render -> store -> memory, net, disk, heap, shape, inspector ' +
      '-> proc -> errors, addon, clock',
  );
  process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
