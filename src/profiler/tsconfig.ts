/**
 * The nearest tsconfig.json of a module, read without TypeScript's compiler (which a cache hit must not
 * load): JSON with comments and trailing commas, `extends` followed (a relative path, or a package's
 * file as TypeScript resolves it: `@tsconfig/node20/tsconfig.json`, or the package's own tsconfig.json),
 * compilerOptions merged base first as tsc does. Only what changes the emitted code or where imports
 * lead is kept; the rest of a tsconfig is about type checking.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** compilerOptions that change what the code means at run time (passed on to transpileModule). */
export const RUNTIME_OPTIONS = [
  'experimentalDecorators',
  'emitDecoratorMetadata',
  'useDefineForClassFields',
  'jsx',
  'jsxFactory',
  'jsxFragmentFactory',
  'jsxImportSource',
] as const;

export interface ProjectConfig {
  /** The tsconfig files read, nearest first (for the cache key and messages). */
  files: string[];
  /** Their texts, in the same order: the cache key includes them. */
  texts: string[];
  /** RUNTIME_OPTIONS that are set, as written (JSON values). */
  options: Record<string, unknown>;
  /** `paths` patterns with the absolute directories they map to (relative to baseUrl or the config). */
  paths: { pattern: string; targets: string[] }[];
}

/** JSON with comments and trailing commas (tsconfig's dialect) as plain JSON text. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      out += c;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

interface RawConfig {
  extends?: string | string[];
  compilerOptions?: Record<string, unknown> & { baseUrl?: string; paths?: Record<string, string[]> };
}

function resolveExtends(name: string, from: string): string | undefined {
  if (name.startsWith('.') || isAbsolute(name)) {
    const path = resolve(dirname(from), name);
    return path.endsWith('.json') ? path : `${path}.json`;
  }
  const require = createRequire(from);
  for (const candidate of [name, `${name}.json`, `${name}/tsconfig.json`]) {
    try {
      return require.resolve(candidate);
    } catch {
      // the next spelling
    }
  }
  return undefined;
}

/** One config and everything it extends, merged; `seen` stops a cycle. */
function readConfig(path: string, seen: Set<string>, into: ProjectConfig): void {
  if (seen.has(path)) return;
  seen.add(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return;
  }
  into.files.push(path);
  into.texts.push(text);
  let raw: RawConfig;
  try {
    raw = JSON.parse(stripJsonComments(text)) as RawConfig;
  } catch {
    return; // tsc would report it; stripping types does not need it
  }
  // bases first, so that this file's own options win
  const bases = raw.extends === undefined ? [] : Array.isArray(raw.extends) ? raw.extends : [raw.extends];
  for (const base of bases) {
    const basePath = typeof base === 'string' ? resolveExtends(base, path) : undefined;
    if (basePath) readConfig(basePath, seen, into);
  }
  const options = raw.compilerOptions ?? {};
  for (const key of RUNTIME_OPTIONS) if (options[key] !== undefined) into.options[key] = options[key];
  if (options.paths) {
    // paths are relative to baseUrl when set, else to the config file that declares them
    const base = options.baseUrl ? resolve(dirname(path), options.baseUrl) : dirname(path);
    into.paths = Object.entries(options.paths).map(([pattern, targets]) => ({
      pattern,
      targets: targets.map((t) => resolve(base, t)),
    }));
  }
}

const byDir = new Map<string, ProjectConfig | undefined>();

/** The project config of the nearest tsconfig.json above `dir`, or undefined when there is none. */
export function projectConfig(dir: string): ProjectConfig | undefined {
  if (byDir.has(dir)) return byDir.get(dir);
  let found: ProjectConfig | undefined;
  const path = join(dir, 'tsconfig.json');
  try {
    readFileSync(path);
    found = { files: [], texts: [], options: {}, paths: [] };
    readConfig(path, new Set(), found);
  } catch {
    const parent = dirname(dir);
    found = parent === dir ? undefined : projectConfig(parent);
  }
  byDir.set(dir, found);
  return found;
}

/**
 * The files a bare specifier may mean under the project's `paths` (most specific pattern first, as
 * TypeScript matches them), or [] when no pattern matches.
 */
export function pathCandidates(specifier: string, project: ProjectConfig | undefined): string[] {
  if (!project) return [];
  const matches: { prefixLength: number; targets: string[] }[] = [];
  for (const { pattern, targets } of project.paths) {
    const star = pattern.indexOf('*');
    if (star < 0) {
      if (pattern === specifier) matches.push({ prefixLength: pattern.length, targets });
      continue;
    }
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (
      specifier.length >= prefix.length + suffix.length &&
      specifier.startsWith(prefix) &&
      specifier.endsWith(suffix)
    ) {
      const middle = specifier.slice(prefix.length, specifier.length - suffix.length);
      matches.push({ prefixLength: prefix.length, targets: targets.map((t) => t.replace('*', middle)) });
    }
  }
  matches.sort((a, b) => b.prefixLength - a.prefixLength);
  return matches.flatMap((m) => m.targets);
}

/** What a mapped path may be on disk, in TypeScript's order; a `.js` spelling may stand for `.ts`. */
function fileCandidates(target: string): string[] {
  const ts = /\.([cm]?)jsx?$/.exec(target);
  const swapped = ts
    ? [`${target.slice(0, -ts[0].length)}.${ts[1]}ts`, `${target.slice(0, -ts[0].length)}.tsx`]
    : [];
  return [
    target,
    ...swapped,
    ...['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'].map((ext) => target + ext),
    ...['index.ts', 'index.tsx', 'index.js'].map((name) => join(target, name)),
  ];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The file a `paths` alias leads to from a module in `fromDir`, or undefined (not an alias, or nothing there). */
export function resolveAlias(specifier: string, fromDir: string): string | undefined {
  if (specifier.startsWith('.') || isAbsolute(specifier) || specifier.includes(':')) return undefined;
  for (const target of pathCandidates(specifier, projectConfig(fromDir))) {
    const found = fileCandidates(target).find(isFile);
    if (found) return found;
  }
  return undefined;
}
