/**
 * The cache of instrumented modules: what `hog profile` compiled once is not compiled again while the
 * source, the options, hog and TypeScript stay the same, so a repeat run does not load TypeScript's
 * compiler (~0.5 s). Content-addressed: an entry's name is the SHA-256 of everything its output
 * depends on (see cacheKey).
 *
 * hog runs as root on shared machines, and a cache entry is code that will run: it must not be
 * something another user could have written. So (like ccache or pip's cache, but stricter):
 *   - the directory is created 0700 and used only when it is a real directory owned by this user and
 *     writable by nobody else (checked on every run; a looser one is refused, not chmod-ed);
 *   - an entry is opened O_NOFOLLOW and used only when it is a regular file owned by this user,
 *     writable by nobody else, and its first line is the SHA-256 of the rest (bytes changed: unused);
 *   - entries are written to a temporary file in the same directory, then renamed over the name, so
 *     two runs compiling the same module at once each leave a whole entry and never a torn one.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { FunctionIdentity } from './functionRecord.js';
import type { ModuleFormat } from './moduleFormat.js';

/**
 * Bumped when the entry format, or the code an entry holds, changes: 2 since the probe calls got their
 * readable names (probeCalls.ts), so an entry compiled for `__hogF.l` is not run against a frame
 * without it.
 */
const FORMAT = 2;

/** What a module compiles to: code with the functions it instrumented, or nothing to change. */
export type CachedResult = ({ code: string; functions: FunctionIdentity[] } | { unchanged: true }) & {
  format: ModuleFormat;
};

/** The user's cache directory for hog: $XDG_CACHE_HOME/hog, else ~/.cache/hog (XDG Base Directory spec). */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  // the spec: a relative XDG_CACHE_HOME is invalid and must be ignored
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache');
  return join(base, 'hog');
}

/** Why a directory or entry may not be used, or undefined when it may. */
export function unsafeReason(stats: Stats, kind: 'directory' | 'file'): string | undefined {
  const uid = process.getuid?.() ?? stats.uid;
  if (kind === 'directory' ? !stats.isDirectory() : !stats.isFile()) {
    return `it is not a ${kind}${stats.isSymbolicLink() ? ' (a symbolic link)' : ''}`;
  }
  if (stats.uid !== uid) return `it is owned by uid ${stats.uid}, not by this user (uid ${uid})`;
  if ((stats.mode & 0o022) !== 0) {
    return `it is writable by ${stats.mode & 0o002 ? 'everyone' : 'its group'} (mode ${(stats.mode & 0o777).toString(8)})`;
  }
  return undefined;
}

/**
 * The directory for compiled modules (ROOT/profile), created 0700 when missing; a refusal says why.
 * Both ROOT and ROOT/profile are checked: a writable parent would let another user swap the child.
 */
export function openCacheDir(root: string): { dir: string } | { refused: string } {
  const dir = join(root, 'profile');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    return { refused: `cannot create ${dir}: ${(error as Error).message}` };
  }
  for (const path of [root, dir]) {
    const reason = unsafeReason(lstatSync(path), 'directory');
    if (reason) return { refused: `${path}: ${reason}` };
  }
  return { dir };
}

export interface KeyParts {
  hogVersion: string;
  typescriptVersion: string;
  file: string;
  format: string;
  options: unknown;
  /** Text of the project settings the output depends on (tsconfig chain), '' when none. */
  project: string;
  source: string;
}

export function cacheKey(parts: KeyParts): string {
  const hash = createHash('sha256');
  const { source, ...rest } = parts;
  hash.update(JSON.stringify({ entryFormat: FORMAT, ...rest }));
  hash.update('\0');
  hash.update(source);
  return hash.digest('hex');
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** An entry's text: the SHA-256 of the payload, a newline, the payload (JSON). */
export function encodeEntry(result: CachedResult): string {
  const payload = JSON.stringify(result);
  return `${sha256(payload)}\n${payload}`;
}

/** The result stored in an entry's text, or undefined when its bytes do not match its hash. */
export function decodeEntry(text: string): CachedResult | undefined {
  const newline = text.indexOf('\n');
  if (newline !== 64) return undefined;
  const payload = text.slice(newline + 1);
  if (sha256(payload) !== text.slice(0, newline)) return undefined;
  try {
    const entry = JSON.parse(payload) as CachedResult;
    return entry.format === 'module' || entry.format === 'commonjs' ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** The entry for `key`, or undefined when there is none or it may not be used. */
export function readEntry(dir: string, key: string): CachedResult | undefined {
  let fd: number;
  try {
    fd = openSync(join(dir, `${key}.json`), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    // checked on the open descriptor: what is read is what was checked
    if (unsafeReason(fstatSync(fd), 'file') !== undefined) return undefined;
    return decodeEntry(readFileSync(fd, 'utf8'));
  } finally {
    closeSync(fd);
  }
}

/** Store `result` under `key`; a failure (disk full, read-only home) only means no cache next time. */
export function writeEntry(dir: string, key: string, result: CachedResult): void {
  const temporary = join(dir, `.${key}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, encodeEntry(result), { mode: 0o600, flag: 'wx' });
    renameSync(temporary, join(dir, `${key}.json`));
  } catch {
    rmSync(temporary, { force: true });
  }
}
