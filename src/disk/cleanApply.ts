/**
 * Carrying out a cleanup plan. Each root is opened once by descriptor (and must still be the directory
 * that was scanned); each file is reached from it through directory descriptors opened O_NOFOLLOW, and
 * checked again just before it is touched (same device, inode, size and mtime, same mount as the root),
 * then unlinked or gzip-compressed relative to its parent's descriptor (removeBeneath.ts). Every step is
 * appended to a log (JSON lines), opened before anything changes, with what was really unlinked.
 */
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fchownSync,
  fstatSync,
  futimesSync,
  mkdirSync,
  openSync,
  writeSync,
} from 'node:fs';
import { constants, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { errnoCode, PermissionError, quote } from '../errors.js';
import { actionPath, type CleanAction, type CleanPlan } from './cleanPlan.js';
import { type Expected, errnoName, isRefusal, type Removal, RootDir } from './removeBeneath.js';
import { jsonPath } from './tree.js';

export interface ActionResult {
  action: CleanAction['action'];
  path: string;
  status: 'done' | 'skipped' | 'failed';
  freedBytes: number;
  message?: string;
  /** What was really unlinked (the original of a compressed file included). */
  unlinked?: { files: number; directories: number; bytes: number };
}

export interface ApplyOptions {
  /** Cross mount points inside a root (--cross-mounts); by default a root's own mount is never left. */
  crossMounts?: boolean;
  /** Device and inode of each root when it was scanned: a root replaced since is not touched. */
  rootIds?: ReadonlyMap<string, { dev: number; ino: number }>;
}

export function defaultLogPath(env: NodeJS.ProcessEnv = process.env): string {
  const state =
    env.XDG_STATE_HOME && env.XDG_STATE_HOME !== '' ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(state, 'hog', 'clean.log');
}

/** Open the log for appending, or fail before anything is changed. */
export function openLog(path: string): { write(record: object): void; close(): void } {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'a', 0o600);
  } catch (error) {
    throw new PermissionError(
      `cannot write the cleanup log ${quote(path)}: ${(error as Error).message}; nothing was done`,
      {
        hint: 'give a writable file with --log FILE',
        cause: error,
      },
    );
  }
  return {
    write: (record) => {
      writeSync(fd, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
    },
    close: () => closeSync(fd),
  };
}

function plannedFile(action: CleanAction): Expected {
  const p = action.planned;
  return { type: 'file', dev: p.dev, ino: p.ino, size: p.size, mtimeMs: p.mtimeMs };
}

class Skip extends Error {}

/**
 * gzip dir/name into dir/name.gz, everything relative to the directory's descriptor: the source is
 * opened O_NOFOLLOW and checked, the .gz is written under a temporary name (O_EXCL) and renamed into
 * place without replacing anything, and the original is unlinked only after a last check.
 */
async function compressAt(
  root: RootDir,
  dirFd: number,
  name: Buffer,
  action: CleanAction,
): Promise<{ freedBytes: number; removal: Removal }> {
  const addon = root.native;
  const expect = plannedFile(action);
  const target = Buffer.concat([name, Buffer.from('.gz')]);
  if (!isRefusal(addon.statAt(dirFd, target))) throw new Skip(`${action.path}.gz exists already`);
  const source = addon.openFileAt(dirFd, name, expect, root.bounds);
  if (isRefusal(source)) throw new Skip(source.reason);
  const temporary = Buffer.concat([name, Buffer.from(`.gz.hog-${process.pid}`)]);
  let out: number | undefined;
  let renamed = false;
  try {
    const st = fstatSync(source.fd);
    out = addon.createAt(dirFd, temporary, st.mode & 0o7777);
    const { createGzip } = await import('node:zlib');
    const { pipeline } = await import('node:stream/promises');
    await pipeline(
      createReadStream('', { fd: source.fd, autoClose: false, start: 0 }),
      createGzip(),
      createWriteStream('', { fd: out, autoClose: false }),
    );
    futimesSync(out, st.atime, st.mtime);
    if (process.getuid?.() === 0) fchownSync(out, st.uid, st.gid);
    const after = fstatSync(source.fd);
    if (after.size !== st.size || after.mtimeMs !== st.mtimeMs)
      throw new Skip('the file changed while it was compressed');
    addon.renameAt(dirFd, temporary, target);
    renamed = true;
    const removal = addon.removeAt(dirFd, name, expect, root.bounds, false);
    if (!removal.removed) throw new Skip(`${removal.reason}: the original was kept, its .gz removed`);
    return { freedBytes: Math.max(0, removal.bytes - fstatSync(out).blocks * 512), removal };
  } catch (error) {
    if (out !== undefined) {
      // remove what we wrote (by its inode: only our own file goes)
      const own = fstatSync(out);
      addon.removeAt(
        dirFd,
        renamed ? target : temporary,
        { type: 'file', dev: own.dev, ino: own.ino },
        root.bounds,
        false,
      );
    }
    throw error;
  } finally {
    closeSync(source.fd);
    if (out !== undefined) closeSync(out);
  }
}

async function applyAction(root: RootDir, action: CleanAction): Promise<ActionResult> {
  const base = { action: action.action, path: action.path };
  const rel = root.relative(actionPath(action));
  if (rel === undefined)
    return { ...base, status: 'skipped', freedBytes: 0, message: `not inside ${root.path}` };
  try {
    const outcome = await root.withParentAsync(rel, async (dirFd, name) => {
      if (action.action === 'delete') {
        const removal = root.native.removeAt(dirFd, name, plannedFile(action), root.bounds, false);
        return { freedBytes: removal.bytes, removal };
      }
      return compressAt(root, dirFd, name, action);
    });
    if (isRefusal(outcome)) return { ...base, status: 'skipped', freedBytes: 0, message: outcome.reason };
    const { freedBytes, removal } = outcome;
    const unlinked = { files: removal.files, directories: removal.directories, bytes: removal.bytes };
    if (!removal.removed) {
      const failed = removal.errno !== 0 && removal.errno !== constants.errno.ENOENT; // gone: nothing to do
      const reason = removal.errno === constants.errno.EROFS ? 'read-only filesystem' : removal.reason; // EROFS
      return { ...base, status: failed ? 'failed' : 'skipped', freedBytes: 0, message: reason, unlinked };
    }
    return {
      ...base,
      status: 'done',
      freedBytes,
      unlinked,
      ...(action.action === 'compress' ? { message: `compressed to ${action.path}.gz` } : {}),
    };
  } catch (error) {
    if (error instanceof Skip) return { ...base, status: 'skipped', freedBytes: 0, message: error.message };
    const code =
      errnoCode(error) ??
      (typeof (error as { errno?: unknown }).errno === 'number'
        ? errnoName((error as { errno: number }).errno)
        : undefined);
    return {
      ...base,
      status: 'failed',
      freedBytes: 0,
      message: code === 'EROFS' ? 'read-only filesystem' : (error as Error).message,
    };
  }
}

/** Each root of the plan opened once, or why it may not be touched. */
function openRoots(plan: PlanToApply, options: ApplyOptions): Map<string, RootDir | string> {
  const roots = new Map<string, RootDir | string>();
  for (const path of plan.roots) {
    try {
      const root = RootDir.open(path, { crossMounts: options.crossMounts });
      const scanned = options.rootIds?.get(path);
      if (scanned && (scanned.dev !== root.identity.dev || scanned.ino !== root.identity.ino)) {
        root.close();
        roots.set(path, `${path} was replaced since it was scanned`);
      } else roots.set(path, root);
    } catch (error) {
      const errno = (error as { errno?: number }).errno;
      if (errno === undefined) throw error; // the addon is missing: nothing at all can be done
      roots.set(path, `cannot open ${path} without following a symlink (${errnoName(errno)})`);
    }
  }
  return roots;
}

/** What applying needs of a plan: the roots and the file actions, however the plan stores them. */
export interface PlanToApply {
  roots: readonly string[];
  options: CleanPlan['options'];
  actions: Iterable<CleanAction> & { readonly length: number };
  freesBytes: number;
}

export async function applyPlan(
  plan: PlanToApply,
  logPath: string,
  onResult: (result: ActionResult) => void = () => {},
  options: ApplyOptions = {},
): Promise<{ results: ActionResult[]; freedBytes: number }> {
  const log = openLog(logPath);
  const results: ActionResult[] = [];
  let roots: Map<string, RootDir | string> | undefined;
  try {
    roots = openRoots(plan, options);
    log.write({
      event: 'start',
      roots: plan.roots,
      options: { ...plan.options, crossMounts: options.crossMounts === true },
      actions: plan.actions.length,
      plannedFreeBytes: plan.freesBytes,
    });
    for (const action of plan.actions) {
      const root = roots.get(action.root) ?? `${action.root} is not a root of the plan`;
      const result =
        typeof root === 'string'
          ? {
              action: action.action,
              path: action.path,
              status: 'skipped' as const,
              freedBytes: 0,
              message: root,
            }
          : await applyAction(root, action);
      // the path is the real one: each root was resolved (realpath) before the scan, and nothing
      // below it was followed
      log.write({
        event: action.action,
        ...jsonPath(actionPath(action)),
        reason: action.reason,
        status: result.status,
        freedBytes: result.freedBytes,
        unlinked: result.unlinked ?? { files: 0, directories: 0, bytes: 0 },
        message: result.message,
      });
      results.push(result);
      onResult(result);
    }
    const freedBytes = results.reduce((s, r) => s + r.freedBytes, 0);
    log.write({ event: 'end', freedBytes, done: results.filter((r) => r.status === 'done').length });
    return { results, freedBytes };
  } finally {
    for (const root of roots?.values() ?? []) if (typeof root !== 'string') root.close();
    log.close();
  }
}
