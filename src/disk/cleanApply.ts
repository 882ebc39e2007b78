/**
 * Carrying out a cleanup plan: each file is checked again just before it is touched (same inode, size
 * and mtime; still inside its root), then deleted or gzip-compressed; every step is appended to a log
 * (JSON lines) that is opened before anything changes.
 */
import {
  chownSync,
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { errnoCode, PermissionError, quote } from '../errors.js';
import { actionPath, type CleanAction, type CleanPlan } from './cleanPlan.js';
import { changedSincePlanned } from './cleanSafety.js';

export interface ActionResult {
  action: CleanAction['action'];
  path: string;
  status: 'done' | 'skipped' | 'failed';
  freedBytes: number;
  message?: string;
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

async function compress(path: Buffer, action: CleanAction): Promise<number> {
  const target = Buffer.concat([path, Buffer.from('.gz')]);
  if (existsSync(target)) throw new Error(`${target.toString('utf8')} exists already`);
  const temporary = Buffer.concat([path, Buffer.from(`.gz.hog-${process.pid}`)]);
  const st = lstatSync(path);
  try {
    const { createGzip } = await import('node:zlib');
    const { pipeline } = await import('node:stream/promises');
    await pipeline(
      createReadStream(path),
      createGzip(),
      createWriteStream(temporary, { flags: 'wx', mode: st.mode & 0o7777 }),
    );
    utimesSync(temporary, st.atime, st.mtime);
    if (process.getuid?.() === 0) chownSync(temporary, st.uid, st.gid);
    // the file must not have changed while it was read
    if (changedSincePlanned(path, '/', action.planned))
      throw new Error('the file changed while it was compressed');
    renameSync(temporary, target);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // never created
    }
    throw error;
  }
  unlinkSync(path);
  return action.allocatedBytes - lstatSync(target).blocks * 512;
}

export async function applyPlan(
  plan: CleanPlan,
  logPath: string,
  onResult: (result: ActionResult) => void = () => {},
): Promise<{ results: ActionResult[]; freedBytes: number }> {
  const log = openLog(logPath);
  const realRoots = new Map(plan.roots.map((r) => [r, realpathSync(r)]));
  const results: ActionResult[] = [];
  log.write({
    event: 'start',
    roots: plan.roots,
    options: plan.options,
    actions: plan.actions.length,
    plannedFreeBytes: plan.freesBytes,
  });
  try {
    for (const action of plan.actions) {
      const path = actionPath(action);
      const base = { action: action.action, path: action.path };
      const changed = changedSincePlanned(path, realRoots.get(action.root) ?? action.root, action.planned);
      let result: ActionResult;
      if (changed) {
        result = { ...base, status: 'skipped', freedBytes: 0, message: changed };
      } else {
        try {
          if (action.action === 'delete') {
            unlinkSync(path);
            result = { ...base, status: 'done', freedBytes: action.allocatedBytes };
          } else {
            result = {
              ...base,
              status: 'done',
              freedBytes: await compress(path, action),
              message: `compressed to ${action.path}.gz`,
            };
          }
        } catch (error) {
          const code = errnoCode(error);
          result = {
            ...base,
            status: 'failed',
            freedBytes: 0,
            message: code === 'EROFS' ? 'read-only filesystem' : (error as Error).message,
          };
        }
      }
      log.write({
        event: action.action,
        path: action.path,
        reason: action.reason,
        status: result.status,
        freedBytes: result.freedBytes,
        message: result.message,
      });
      results.push(result);
      onResult(result);
    }
    const freedBytes = results.reduce((s, r) => s + r.freedBytes, 0);
    log.write({ event: 'end', freedBytes, done: results.filter((r) => r.status === 'done').length });
    return { results, freedBytes };
  } finally {
    log.close();
  }
}
