#!/usr/bin/env node
/**
 * Functions of 60 lines or more under src/ (DESIGN.md: "a function over ~60 is a sign to split"),
 * longest first, as `lines  file:line  name`. A report for a reader, not a gate: `npm run lint` does
 * not run it.
 *
 * Counted: function declarations, methods, and arrow functions or function expressions (named by
 * the variable, property or call they sit in); lines from the first to the last of the node.
 *
 * Usage: node scripts/long-functions.mjs [srcDir] [minLines]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

function listSources(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSources(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The name a reader would look for: the declaration's own, else what holds the function. */
function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return parent.name.getText();
  if (ts.isCallExpression(parent)) {
    const callee = parent.expression.getText().replace(/\s+/g, ' ');
    return `${callee.length > 40 ? `${callee.slice(0, 40)}…` : callee}(…) callback`;
  }
  return '(anonymous)';
}

/** Every function of at least minLines lines in one file. */
export function longFunctions(file, text, minLines) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines >= minLines) found.push({ lines, line: first + 1, name: nameOf(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function main() {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const srcDir = resolve(process.argv[2] ?? join(here, '..', 'src'));
  const minLines = Number(process.argv[3] ?? 60);
  const rows = [];
  for (const file of listSources(srcDir)) {
    for (const f of longFunctions(file, readFileSync(file, 'utf8'), minLines))
      rows.push({ ...f, file: relative(srcDir, file) });
  }
  rows.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
  for (const r of rows) console.log(`${String(r.lines).padStart(4)}  ${r.file}:${r.line}  ${r.name}`);
  console.log(`${rows.length} functions of ${minLines} lines or more`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
