/**
 * CommonJS under `hog profile`: require() of .ts/.cts files (types stripped), instrumentation of
 * profiled functions in .js/.cjs files, `require('./x.js')` finding x.ts, and `require('hog')` for a
 * script outside any project that installed hog. Compiling happens in the compile worker.
 */
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, sep } from 'node:path';
import type { ChildConfig } from './childConfig.js';
import { isTypeScript, mightSelect, STOP_SOURCE } from './sourceKinds.js';
import type { SyncCompiler } from './syncCompiler.js';
import { cachedTransform } from './transformHost.js';
import { resolveAlias } from './tsconfig.js';

interface ModuleInternals {
  _compile(content: string, filename: string): unknown;
}

type Extension = (module: ModuleInternals, filename: string) => void;

const internals = Module as unknown as {
  _extensions: Record<string, Extension>;
  _resolveFilename: (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
  prototype: ModuleInternals;
};

export interface RequireHookOptions {
  /** Whether JavaScript files may need instrumenting (line mode), or only TypeScript stripping. */
  instrument: boolean;
  functionNames: readonly string[];
  /** Path of hog's CommonJS entry, for require('hog') outside a project that has hog. */
  hogRequireEntry: string;
  /** Keep the program's modules' scripts alive to the end (allocation sampling; see RETAIN_SCRIPT). */
  retainScripts: boolean;
}

/**
 * Appended to the program's CommonJS modules under --sample. V8 names a sampled function from its
 * script when the profile is read (at exit, after a forced collection); a module that finished and
 * left nothing referenced — the main script of a batch job — has lost its script by then, and its
 * functions would show without file or line. Keeping the module's wrapper function (arguments.callee
 * in sloppy mode) keeps the script and none of the module's variables; strict modules keep an empty
 * arrow, which holds the module's scope only if closures already share it.
 */
export const RETAIN_SCRIPT =
  "\n;{const k=(globalThis[Symbol.for('hog.scripts')]??=[]);try{k.push(arguments.callee)}catch{k.push(()=>{})}}\n";

export function installRequireHooks(
  compiler: SyncCompiler,
  config: ChildConfig,
  options: RequireHookOptions,
): void {
  const compile = compileFor(compiler, config);
  loadTypeScriptThrough(compile);
  hookModuleCompile(compile, options);
  hookResolveFilename(options.hogRequireEntry);
}

/** What a CommonJS module runs as: the compile cache's result, else the compile worker's. */
function compileFor(compiler: SyncCompiler, config: ChildConfig): Compile {
  return (filename, source) => {
    // a cache hit needs no compiler: read here rather than waking the compile worker (a thread start,
    // ~50 ms); what reading allocates is garbage collected before a profiled call starts
    const known = cachedTransform(config, filename, source, 'commonjs');
    const result = known ? known.result : compiler.compile(filename, source, 'commonjs');
    if (result === undefined) return source;
    return 'error' in result ? STOP_SOURCE : result.code;
  };
}

type Compile = (filename: string, source: string) => string;

/** require() of .ts, .cts and .tsx files: types stripped (and profiled functions instrumented). */
function loadTypeScriptThrough(compile: Compile): void {
  const loadTypeScript: Extension = (module, filename) => {
    module._compile(compile(filename, readFileSync(filename, 'utf8')), filename);
  };
  internals._extensions['.ts'] = loadTypeScript;
  internals._extensions['.cts'] = loadTypeScript;
  internals._extensions['.tsx'] = loadTypeScript;
}

/** JavaScript modules: instrumented when they may hold a profiled function; scripts retained under --sample. */
function hookModuleCompile(compile: Compile, options: RequireHookOptions): void {
  const { functionNames } = options;
  const originalCompile = internals.prototype._compile;
  internals.prototype._compile = function (this: ModuleInternals, content: string, filename: string) {
    let code =
      options.instrument && !isTypeScript(filename) && mightSelect(content, functionNames)
        ? compile(filename, content)
        : content;
    if (options.retainScripts && !filename.includes(`${sep}node_modules${sep}`)) code += RETAIN_SCRIPT;
    return originalCompile.call(this, code, filename);
  };
}

/**
 * Names Node.js cannot resolve: require('hog') outside a project that has it, tsconfig `paths`
 * aliases, and `./x.js` written for the x.ts beside it.
 */
function hookResolveFilename(hogRequireEntry: string): void {
  const originalResolve = internals._resolveFilename;
  internals._resolveFilename = function (request, parent, isMain, options) {
    try {
      return originalResolve.call(this, request, parent, isMain, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
      if (request === 'hog') return hogRequireEntry;
      // tsconfig `paths` aliases (`@app/util`), as TypeScript resolves them
      const from = (parent as { filename?: string } | null)?.filename;
      const aliased = from ? resolveAlias(request, dirname(from)) : undefined;
      if (aliased) return aliased;
      const ts = /\.([cm]?)js$/.exec(request);
      if (ts && /^\.{1,2}\/|^\//.test(request)) {
        try {
          return originalResolve.call(
            this,
            `${request.slice(0, -ts[0].length)}.${ts[1]}ts`,
            parent,
            isMain,
            options,
          );
        } catch {
          // report the name the program asked for
        }
      }
      throw error;
    }
  };
}
