/**
 * TypeScript's compiler, loaded with a V8 code cache. On a compile-cache miss (the first run after an
 * edit) hog needs the compiler, and V8 spends most of its load parsing and compiling typescript.js
 * (9 MB): measured on the CI machine, 546 ms to load and 92 ms for the first transpile without a code
 * cache, 56 ms and 15 ms with one. Node.js 20 has no module.enableCompileCache (22.1+), so the module
 * is compiled here through vm.Script with cachedData, and put in require's cache so that every
 * `import ts from 'typescript'` after this gets it.
 *
 * The code cache is V8 bytecode that will run: it lives in the same checked directory as the compile
 * cache, under the same rules (owner, mode, O_NOFOLLOW, a SHA-256 of its bytes checked on read,
 * written to a temporary file and renamed); its name holds a hash of typescript.js, Node.js's version
 * and the architecture, and V8 rejects data from another V8 or other flags by itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { unsafeReason } from './compileCache.js';

interface ModuleInternals {
  filename: string;
  paths: string[];
  loaded: boolean;
  exports: unknown;
}

const internals = Module as unknown as {
  _cache: Record<string, ModuleInternals>;
  _nodeModulePaths(dir: string): string[];
  new (id: string, parent: unknown): ModuleInternals;
};

/** The script compiled with a code cache, to write the cache from after the compiler has run. */
let pending: { script: Script; path: string } | undefined;

/** The bytes of a code cache file when it may be used (owner, mode, no symlink, its SHA-256 matches). */
export function readCodeCache(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    if (unsafeReason(fstatSync(fd), 'file') !== undefined) return undefined;
    const bytes = readFileSync(fd);
    const data = bytes.subarray(32);
    const digest = createHash('sha256').update(data).digest();
    return bytes.length > 32 && digest.equals(bytes.subarray(0, 32)) ? data : undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Put TypeScript's compiler in require's cache, compiled with the code cache in `cacheDir` when there
 * is a usable one; true when the code cache was used. Without a cache directory, or when anything is
 * unexpected, does nothing: the plain import then loads it the usual way.
 */
export function preloadTypeScript(cacheDir: string | undefined): boolean {
  if (cacheDir === undefined) return false;
  try {
    const require = createRequire(import.meta.url);
    const file = require.resolve('typescript');
    if (internals._cache[file]) return false;
    const source = readFileSync(file, 'utf8');
    const key = createHash('sha256')
      .update(`${process.version}\0${process.arch}\0`)
      .update(source)
      .digest('hex');
    const path = join(cacheDir, `typescript-${key}.v8`);
    const cachedData = readCodeCache(path);
    // the CommonJS wrapper, as Node.js's own loader compiles a module
    const script = new Script(
      `(function (exports, require, module, __filename, __dirname) { ${source}\n})`,
      cachedData ? { filename: file, cachedData } : { filename: file },
    );
    const module = new internals(file, null);
    module.filename = file;
    module.paths = internals._nodeModulePaths(dirname(file));
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
    module.loaded = true;
    internals._cache[file] = module;
    const used = cachedData !== undefined && script.cachedDataRejected !== true;
    if (!used) pending = { script, path };
    return used;
  } catch {
    return false; // the usual load follows
  }
}

/**
 * Write the code cache, once, after the compiler has compiled something: V8 then includes the
 * functions it compiled lazily on the way, which is most of what a transpile needs.
 */
export function saveTypeScriptCodeCache(): void {
  const job = pending;
  pending = undefined;
  if (!job) return;
  const temporary = `${job.path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const data = job.script.createCachedData();
    const digest = createHash('sha256').update(data).digest();
    writeFileSync(temporary, Buffer.concat([digest, data]), { mode: 0o600, flag: 'wx' });
    renameSync(temporary, job.path);
  } catch {
    rmSync(temporary, { force: true });
  }
}
