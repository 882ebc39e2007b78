/**
 * Node.js module hooks (module.register, run in Node's hooks thread) for ES modules under
 * `hog profile`: load .ts/.mts files (types stripped), instrument profiled functions, and resolve
 * what TypeScript projects write but Node.js 20 cannot find alone — `./x.js` meaning `./x.ts`, and
 * `hog` itself for a script outside any project that installed it.
 * CommonJS modules are left to the require hooks (requireHooks.ts).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { InitializeHook, LoadHook, ResolveHook } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { baselineFile, type ChildConfig, loadedFile } from './childConfig.js';
import { declaredFormat, type ModuleFormat } from './moduleFormat.js';
import { isTypeScript, STOP_SOURCE } from './sourceKinds.js';
import { type FormatRequest, hostTransform } from './transformHost.js';
import { resolveAlias } from './tsconfig.js';

export interface HookData {
  config: ChildConfig;
  /** file: URL of hog's own ESM entry, for `import ... from 'hog'` when the project does not have hog. */
  hogEntry: string;
}

let data: HookData | undefined;

export const initialize: InitializeHook<HookData> = (value) => {
  data = value;
};

/** Other spellings to try, in order, for a relative specifier Node.js did not find. */
export function alternativeSpecifiers(specifier: string): string[] {
  if (!/^\.{1,2}\/|^\//.test(specifier) && !specifier.startsWith('file:')) return [];
  const swapped: Record<string, string> = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts', '.jsx': '.tsx' };
  const ext = /\.[cm]?jsx?$/.exec(specifier)?.[0];
  if (ext === '.js') return [`${specifier.slice(0, -3)}.ts`, `${specifier.slice(0, -3)}.tsx`];
  if (ext) return [specifier.slice(0, -ext.length) + (swapped[ext] as string)];
  if (/\.[cm]?tsx?$/.test(specifier) || /\.json$/.test(specifier)) return [];
  return [`${specifier}.ts`, `${specifier}.tsx`, `${specifier}/index.ts`, `${specifier}/index.tsx`];
}

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    if (specifier === 'hog' && data) return { url: data.hogEntry, shortCircuit: true };
    // tsconfig `paths` aliases (`@app/util`), as TypeScript resolves them
    const parent = context.parentURL?.startsWith('file:') ? fileURLToPath(context.parentURL) : undefined;
    const aliased = parent ? resolveAlias(specifier, dirname(parent)) : undefined;
    if (aliased) return nextResolve(pathToFileURL(aliased).href, context);
    for (const alternative of alternativeSpecifiers(specifier)) {
      try {
        return await nextResolve(alternative, context);
      } catch {
        // try the next spelling
      }
    }
    throw error;
  }
};

let baselineTaken = false;

export const load: LoadHook = async (url, context, nextLoad) => {
  if (!data || !url.startsWith('file:')) return nextLoad(url, context);
  if (!baselineTaken) {
    // the process's RSS as the program's first module loads: Node.js, hog's runtime and this thread
    // (the RSS is the whole process's, whichever thread reads it)
    baselineTaken = true;
    writeFileSync(baselineFile(data.config.dir), String(process.memoryUsage.rss()));
  }
  const file = fileURLToPath(url);
  if (isTypeScript(file)) {
    const source = readFileSync(file, 'utf8');
    const declared = declaredFormat(file);
    const { format, code } = await compiled(file, source, declared ?? 'by-syntax');
    // CommonJS TypeScript is compiled by the require hooks, in the program's module system
    if (format === 'commonjs') return { format: 'commonjs', shortCircuit: true };
    return { format: 'module', source: code ?? source, shortCircuit: true };
  }
  const loaded = await nextLoad(url, context);
  if (loaded.format !== 'module' || loaded.source === undefined || loaded.source === null) return loaded;
  // Node.js reports an ES module's syntax error without its file: the program's thread looks here
  if (!file.includes('/node_modules/')) appendFileSync(loadedFile(data.config.dir), `${file}\n`);
  const source = typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode(loaded.source);
  const { code } = await compiled(file, source, 'module');
  return code === undefined ? loaded : { ...loaded, source: code };
};

async function compiled(
  file: string,
  source: string,
  request: FormatRequest,
): Promise<{ format: ModuleFormat; code: string | undefined }> {
  const { format, result } = await hostTransform((data as HookData).config, file, source, request);
  if (result === undefined) return { format, code: undefined };
  return { format, code: 'error' in result ? STOP_SOURCE : result.code };
}
