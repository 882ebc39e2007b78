/**
 * ESM or CommonJS, as Node.js decides it: .mjs/.mts are ES modules, .cjs/.cts CommonJS, and .js/.ts
 * follow the "type" of the nearest package.json. A .ts file with no "type" to follow is an ES module
 * when it uses module syntax (import/export, import.meta), as Node.js's own type stripping and tsx
 * decide it; a .js file then stays CommonJS, Node.js 20's default.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type ts from 'typescript';

/** TypeScript's compiler, loaded only when a module's syntax must decide (a cache hit never needs it). */
let compiler: typeof ts | undefined;
const typescript = (): typeof ts => {
  compiler ??= createRequire(import.meta.url)('typescript') as typeof ts;
  return compiler;
};

export type ModuleFormat = 'module' | 'commonjs';

const packageTypes = new Map<string, ModuleFormat | undefined>();

/** The "type" of the nearest package.json above `file`, or undefined if none says. */
export function packageType(file: string): ModuleFormat | undefined {
  const seen: string[] = [];
  let dir = dirname(file);
  let found: ModuleFormat | undefined;
  for (;;) {
    if (packageTypes.has(dir)) {
      found = packageTypes.get(dir);
      break;
    }
    seen.push(dir);
    const text = readIfExists(join(dir, 'package.json'));
    if (text !== undefined) {
      try {
        const type = (JSON.parse(text) as { type?: unknown }).type;
        found = type === 'module' ? 'module' : type === 'commonjs' ? 'commonjs' : undefined;
      } catch {
        found = undefined;
      }
      break; // the nearest package.json decides, even without "type"
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of seen) packageTypes.set(d, found);
  return found;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** True when the file uses ES module syntax (import/export declarations or import.meta). */
export function usesModuleSyntax(source: string, fileName = 'file.ts'): boolean {
  const ts = typescript();
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, false);
  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) return true;
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) return true;
    if (
      ts.canHaveModifiers(statement) &&
      ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    ) {
      return true;
    }
  }
  return /\bimport\.meta\b/.test(source);
}

/** The format decided without reading the module: its extension, else the nearest package.json's "type". */
export function declaredFormat(file: string): ModuleFormat | undefined {
  if (/\.m[jt]sx?$/.test(file)) return 'module';
  if (/\.c[jt]sx?$/.test(file)) return 'commonjs';
  return packageType(file);
}

export function moduleFormat(file: string, source: () => string): ModuleFormat {
  const declared = declaredFormat(file);
  if (declared) return declared;
  return /\.tsx?$/.test(file) && usesModuleSyntax(source(), file) ? 'module' : 'commonjs';
}
