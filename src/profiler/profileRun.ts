/**
 * `hog profile`'s side of a run: start the script under Node.js with hog's register module, wait for
 * it, and collect what it left in a private temporary directory (see childConfig.ts).
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { NotFoundError, quote, UsageError } from '../errors.js';
import {
  baselineFile,
  type ChildConfig,
  CONFIG_ENV,
  type CompileErrorInfo,
  compilesFile,
  declaredFile,
  errorsFile,
  type SampleConfig,
} from './childConfig.js';
import { defaultCacheRoot, openCacheDir } from './compileCache.js';
import type { FunctionIdentity } from './functionRecord.js';
import type { Metric } from './probe.js';
import type { ThreadResults } from './runtime.js';
import type { SampleNode } from './sampling.js';

// '../profiler/' so that the path is right from dist/profiler/ and from the CLI bundle in dist/cli-bundle/
const REGISTER = new URL('../profiler/register.js', import.meta.url);

export const SCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs'];

export interface ProfileRunOptions {
  script: string;
  args: readonly string[];
  mode: 'line' | 'sample';
  metric: Metric;
  functionNames: readonly string[];
  breakAbove?: number | undefined;
  sample?: SampleConfig | undefined;
  /** Where the script's stdout goes: the terminal, or hog's stderr (when hog's stdout carries JSON). */
  scriptStdout: 'inherit' | 'stderr';
  env?: NodeJS.ProcessEnv;
  /** Where compiled modules are cached (default: the user's cache directory); null: no cache. */
  cacheRoot?: string | null;
  /** Told why the cache is not used (a directory others can write), once per run. */
  warn?: (message: string) => void;
}

/** Where the modules of a run came from: the compile cache, or TypeScript's compiler (loaded or not). */
export interface CompileStats {
  cacheDir: string | null;
  fromCache: number;
  compiled: number;
  compilerLoaded: boolean;
  /** TypeScript's compiler came with its V8 code cache (fast), rather than compiled from source. */
  compilerCodeCache: boolean;
  /** How much the process's RSS grew while TypeScript's compiler loaded and compiled (bytes). */
  compilerResident: number;
}

export interface ThreadRun extends ThreadResults {
  sampling: SampleNode | null;
}

export interface ProfileRun {
  script: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  declared: FunctionIdentity[];
  threads: ThreadRun[];
  errors: CompileErrorInfo[];
  compiles: CompileStats;
  /** The process's RSS when the program's first module loaded (before any compiling), if recorded. */
  residentAtStart: number | null;
  wallSeconds: number;
}

/** The absolute path of a script hog can run, or a NotFoundError/UsageError saying why not. */
export function checkScript(script: string): string {
  const path = resolve(script);
  if (!existsSync(path)) {
    throw new NotFoundError(`script not found: ${quote(script)}`, {
      hint: 'give the path of a .ts or .js file, e.g. hog profile src/main.ts',
    });
  }
  if (!statSync(path).isFile()) {
    throw new UsageError(`not a file: ${quote(script)}`, { hint: 'give the path of a .ts or .js file' });
  }
  if (!SCRIPT_EXTENSIONS.includes(extname(path))) {
    throw new UsageError(`hog profile runs ${SCRIPT_EXTENSIONS.join(' ')} files, not ${quote(script)}`, {
      hint: 'JSX in a .jsx file needs a build step first: profile the compiled .js (its source map leads back to the source)',
    });
  }
  if (isBinary(path)) {
    throw new UsageError(`${quote(script)} is a binary file, not a script`, {
      hint: 'give the .ts or .js source; a compiled executable is profiled with hog run or hog watch',
    });
  }
  return path;
}

/** A NUL byte in the first 8 KiB: no JavaScript or TypeScript source has one (grep's test for binary). */
function isBinary(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).includes(0);
  } finally {
    closeSync(fd);
  }
}

/** The checked cache directory, or null (no cache wanted, or one that may not be used: `warn` says why). */
function cacheDirFor(options: ProfileRunOptions): string | null {
  if (options.cacheRoot === null) return null;
  const opened = openCacheDir(options.cacheRoot ?? defaultCacheRoot(options.env ?? process.env));
  if ('dir' in opened) return opened.dir;
  options.warn?.(`hog: not using the compile cache: ${opened.refused}`);
  return null;
}

export async function runProfiled(options: ProfileRunOptions): Promise<ProfileRun> {
  const script = checkScript(options.script);
  const dir = mkdtempSync(join(tmpdir(), `hog-profile-${process.pid}-`));
  try {
    const cacheDir = cacheDirFor(options);
    const config: ChildConfig = {
      dir,
      hogPid: process.pid,
      ...(cacheDir !== null ? { cacheDir } : {}),
      mode: options.mode,
      metric: options.metric,
      functionNames: [...options.functionNames],
      ...(options.breakAbove !== undefined ? { breakAbove: options.breakAbove } : {}),
      ...(options.sample ? { sample: options.sample } : {}),
    };
    const started = performance.now();
    const { code, signal } = await runChild(script, options, config);
    const wallSeconds = (performance.now() - started) / 1000;
    return {
      script,
      exitCode: code,
      signal,
      declared: readJsonLines<FunctionIdentity>(declaredFile(dir)),
      errors: readJsonLines<CompileErrorInfo>(errorsFile(dir)),
      residentAtStart: readNumber(baselineFile(dir)),
      compiles: compileStats(cacheDir, readJsonLines<CompileLine>(compilesFile(dir))),
      threads: readdirSync(dir)
        .filter((name) => name.startsWith('results-'))
        .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as ThreadRun),
      wallSeconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(
  script: string,
  options: ProfileRunOptions,
  config: ChildConfig,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--import', REGISTER.href, script, ...options.args],
      {
        env: { ...process.env, ...options.env, [CONFIG_ENV]: JSON.stringify(config) },
        stdio: ['inherit', options.scriptStdout === 'stderr' ? 'pipe' : 'inherit', 'inherit'],
      },
    );
    if (options.scriptStdout === 'stderr') child.stdout?.pipe(process.stderr, { end: false });
    // Ctrl-C reaches the script (same process group); hog stays to print what was measured
    const ignore = (): void => {};
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onTerm = forward('SIGTERM');
    const onHup = forward('SIGHUP');
    process.on('SIGINT', ignore);
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
    const cleanup = (): void => {
      process.removeListener('SIGINT', ignore);
      process.removeListener('SIGTERM', onTerm);
      process.removeListener('SIGHUP', onHup);
    };
    child.on('error', (error) => {
      cleanup();
      reject(error);
    });
    child.on('close', (code, signal) => {
      cleanup();
      resolvePromise({ code, signal });
    });
  });
}

function readNumber(path: string): number | null {
  try {
    const n = Number(readFileSync(path, 'utf8'));
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

type CompileLine = { from?: string; loaded?: string; codeCache?: boolean; resident?: number };

function compileStats(cacheDir: string | null, lines: CompileLine[]): CompileStats {
  return {
    compilerResident: lines.reduce((sum, l) => sum + (l.resident ?? 0), 0),
    cacheDir,
    fromCache: lines.filter((l) => l.from === 'cache').length,
    compiled: lines.filter((l) => l.from === 'compiler').length,
    compilerLoaded: lines.some((l) => l.loaded === 'typescript'),
    compilerCodeCache: lines.some((l) => l.loaded === 'typescript' && l.codeCache === true),
  };
}

function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
