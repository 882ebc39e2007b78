/**
 * Where modules are compiled: in Node.js's module-hooks thread (ES modules) or in hog's compile worker
 * (CommonJS), never in the program's own thread, so that TypeScript's compiler (tens of MiB of heap)
 * does not sit in the heap the profiler measures. The compile cache (compileCache.ts) is asked first;
 * TypeScript's compiler is loaded only on a miss. Records what it instrumented, what failed and where
 * each module came from (cache or compiler), for `hog profile --verbose` and the tests.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { VERSION } from '../version.js';
import {
  type ChildConfig,
  type CompileErrorInfo,
  compilesFile,
  declaredFile,
  errorsFile,
} from './childConfig.js';
import { type CachedResult, cacheKey, readEntry, writeEntry } from './compileCache.js';
import { preloadTypeScript, saveTypeScriptCodeCache } from './compilerCodeCache.js';
import type { ModuleFormat } from './moduleFormat.js';
import { isTypeScript, mightSelect } from './sourceKinds.js';
import { projectConfig } from './tsconfig.js';

/** hog's own compiled files (this directory's parent, dist/): never instrumented. */
const HOG_DIST = new URL('..', import.meta.url).pathname;

export type HostResult = { code: string } | { error: CompileErrorInfo } | undefined;

/** 'by-syntax': a .ts file nothing declares the format of (see moduleFormat.ts); the compiler decides. */
export type FormatRequest = ModuleFormat | 'by-syntax';

type Transform = typeof import('./transform.js');
let transform: Transform | undefined;

/** hog's version (inlined by the build) and TypeScript's, read from its package.json (no compiler loaded). */
const versions = (() => {
  let typescript = '?';
  try {
    const path = createRequire(import.meta.url).resolve('typescript/package.json');
    typescript = (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    // no TypeScript (a miss will say so when it loads the compiler), or an unreadable package.json
  }
  return { hog: VERSION, typescript };
})();

/**
 * `resident`: how much the process's RSS grew while the compiler loaded or compiled (it runs in this
 * process, in another thread): what `--metric rss` figures hold of hog's own on a cache miss.
 */
function note(config: ChildConfig, file: string, from: 'cache' | 'compiler', resident = 0): void {
  appendFileSync(compilesFile(config.dir), `${JSON.stringify({ file, from, resident })}\n`);
}

/**
 * The compiler side, bundled as CommonJS by the build (dist/profiler/transform.cjs): required, TypeScript
 * is not lexed for its export names as an ES module import of it would be (~250 ms). The ES module
 * is the fallback (hog run from its sources).
 */
async function loadTransform(): Promise<Transform> {
  try {
    return createRequire(import.meta.url)('./transform.cjs') as Transform;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    return import('./transform.js');
  }
}

async function compiler(config: ChildConfig): Promise<Transform> {
  if (!transform) {
    const codeCache = preloadTypeScript(config.cacheDir);
    transform = await loadTransform();
    appendFileSync(compilesFile(config.dir), `${JSON.stringify({ loaded: 'typescript', codeCache })}\n`);
  }
  return transform;
}

interface Plan {
  /** Decided without compiler or cache. */
  settled?: { format: ModuleFormat; result: HostResult };
  options: { mode: 'line' | 'sample'; functionNames: string[] };
  /** The cache key, or '' when the output must not be cached. */
  key: string;
}

/** What a module needs: nothing (plain JavaScript with nothing to profile), or a compile under a key. */
function plan(config: ChildConfig, file: string, source: string, format: FormatRequest): Plan {
  const settled: ModuleFormat = format === 'by-syntax' ? 'commonjs' : format;
  // dependencies: types are stripped if needed, but nothing is instrumented there
  const dependency = file.includes(`${sep}node_modules${sep}`);
  const options = {
    mode: dependency ? ('sample' as const) : config.mode,
    functionNames: config.functionNames,
  };
  const typescript = isTypeScript(file);
  if (
    file.startsWith(HOG_DIST) ||
    (!typescript && (options.mode === 'sample' || !mightSelect(source, config.functionNames)))
  ) {
    return { settled: { format: settled, result: undefined }, options, key: '' };
  }
  // compiled JavaScript with a source map: the output depends on other files too (map, sources)
  const cacheable = config.cacheDir !== undefined && (typescript || !/sourceMappingURL=/.test(source));
  if (!cacheable) return { options, key: '' };
  const project = typescript ? projectConfig(dirname(file)) : undefined;
  const key = cacheKey({
    hogVersion: versions.hog,
    typescriptVersion: versions.typescript,
    file,
    format,
    options,
    project: project ? JSON.stringify(project.texts) : '',
    source,
  });
  return { options, key };
}

/**
 * Synchronously, without the compiler: what needs nothing, or what the cache holds; undefined on a
 * miss. The program's own thread asks this before it wakes the compile worker for a CommonJS module.
 */
export function cachedTransform(
  config: ChildConfig,
  file: string,
  source: string,
  format: FormatRequest,
): { format: ModuleFormat; result: HostResult } | undefined {
  const { settled, key } = plan(config, file, source, format);
  if (settled) return settled;
  const hit = key === '' ? undefined : readEntry(config.cacheDir as string, key);
  if (!hit) return undefined;
  note(config, file, 'cache');
  return { format: hit.format, result: recorded(config, hit) };
}

/**
 * The code to run for `file` and its format: from the cache when it has it, else from TypeScript's
 * compiler (loaded on the first miss), and then stored in the cache.
 */
export async function hostTransform(
  config: ChildConfig,
  file: string,
  source: string,
  format: FormatRequest,
): Promise<{ format: ModuleFormat; result: HostResult }> {
  const known = cachedTransform(config, file, source, format);
  if (known) return known;
  const { options, key } = plan(config, file, source, format);
  const cacheable = key !== '';
  const residentBefore = process.memoryUsage.rss();
  const { transformModule, usesModuleSyntax, TransformError } = await compiler(config);
  const decided: ModuleFormat =
    format === 'by-syntax' ? (usesModuleSyntax(source, file) ? 'module' : 'commonjs') : format;
  try {
    const output = transformModule(file, source, decided, options);
    saveTypeScriptCodeCache();
    note(config, file, 'compiler', Math.max(0, process.memoryUsage.rss() - residentBefore));
    const entry: CachedResult = output
      ? { format: decided, code: output.code, functions: output.functions }
      : { format: decided, unchanged: true };
    if (cacheable) writeEntry(config.cacheDir as string, key, entry);
    return { format: decided, result: recorded(config, entry) };
  } catch (error) {
    const info: CompileErrorInfo =
      error instanceof TransformError
        ? { file: error.file, line: error.line, column: error.column, message: error.detail }
        : {
            file,
            line: 1,
            column: 1,
            message: `hog could not compile this file: ${(error as Error).message}`,
          };
    note(config, file, 'compiler');
    appendFileSync(errorsFile(config.dir), `${JSON.stringify(info)}\n`);
    return { format: decided, result: { error: info } };
  }
}

/** Declares the functions a module instruments (from the compiler or the cache alike). */
function recorded(config: ChildConfig, entry: CachedResult): HostResult {
  if ('unchanged' in entry) return undefined;
  if (entry.functions.length > 0) {
    appendFileSync(declaredFile(config.dir), entry.functions.map((f) => `${JSON.stringify(f)}\n`).join(''));
  }
  return { code: entry.code };
}
