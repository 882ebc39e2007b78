/**
 * Opening the store's SQLite file, for reading or for writing, without harming a file that is not hog's.
 *
 * Readers open it with SQLITE_OPEN_READONLY and never create, migrate or change its journal mode.
 * Writers look at an existing file read-only first (application_id, user_version, its tables: see
 * identity.ts) and open it read-write only once it is known to be hog's: even closing a read-write
 * connection can write (the last connection to a WAL database checkpoints it), so another program's
 * database is never opened read-write at all. The set-up (migrations, the application_id mark) runs
 * in one IMMEDIATE transaction that checks the header again, so a file swapped in between is refused too.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { errnoCode, PermissionError, UnsupportedError, UsageError } from '../errors.js';
import { classify, type Header, HOG_APPLICATION_ID, type StoreKind } from './identity.js';
import { MIGRATIONS } from './schema.js';
import { isBusy, storeError } from './sqliteErrors.js';

/**
 * better-sqlite3 (a native addon, CommonJS) is required when a store is opened, not when this module
 * loads: commands that may never touch the store (hog doctor without history) do not pay for it.
 */
export function openDatabase(path: string, options: Database.Options): Database.Database {
  const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  return new BetterSqlite3(path, options);
}

export function readHeader(db: Database.Database): Header {
  return {
    applicationId: db.pragma('application_id', { simple: true }) as number,
    userVersion: db.pragma('user_version', { simple: true }) as number,
    tables: db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
      )
      .pluck()
      .all() as string[],
  };
}

/** Throw the error that says why hog will not use this file; return the kind it may use. */
export function refuseUnusable(
  path: string,
  kind: StoreKind,
): Exclude<StoreKind, { kind: 'foreign' | 'newer' }> {
  if (kind.kind === 'foreign') {
    throw new UsageError(`${path} is not a hog store: ${kind.reason}; hog leaves it untouched`, {
      hint: "give --db (or HOG_DB) a new file or an existing hog store; hog never writes into another program's database",
    });
  }
  if (kind.kind === 'newer') {
    throw new UnsupportedError(
      `the store ${path} has schema version ${kind.version}, newer than this hog understands (${MIGRATIONS.length})`,
      { hint: 'upgrade hog, or use another store with --db FILE' },
    );
  }
  return kind;
}

/**
 * A read-only connection to an existing store, its kind checked. The WAL needs a -shm file beside the
 * database; a reader that cannot create it (another user's store in a directory it cannot write) can
 * still read a store hog closed cleanly (hog leaves it in rollback-journal mode) or one being recorded
 * (the -shm is there, as readable as the store): only a WAL store left by something else fails, and
 * that is said so.
 */
export function openReadOnly(
  path: string,
  timeoutMs: number,
): { db: Database.Database; kind: Exclude<StoreKind, { kind: 'foreign' | 'newer' }> } {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`the store ${path} is a directory`, { hint: 'give --db (or HOG_DB) a file path' });
  }
  let db: Database.Database | undefined;
  try {
    db = openDatabase(path, { readonly: true, fileMustExist: true, timeout: timeoutMs });
    const kind = refuseUnusable(path, classify(readHeader(db), MIGRATIONS.length));
    return { db, kind };
  } catch (error) {
    db?.close();
    if (isBusy(error)) throw error; // the caller decides: a writer retries later, a reader says so
    const code = errnoCode(error);
    if (code === 'SQLITE_READONLY_DIRECTORY' || code?.startsWith('SQLITE_CANTOPEN')) {
      if (!readable(path)) {
        throw new PermissionError(`the store ${path} is not readable by this user`, {
          hint: 'run hog as the user who recorded it (or root), or ask them to make it readable',
          cause: error,
        });
      }
      throw new PermissionError(
        `cannot read the store ${path} as this user: it is in WAL mode and SQLite needs to create ${path}-shm in a directory this user cannot write`,
        {
          hint: `read it as its owner, or let its owner run \`sqlite3 ${path} 'PRAGMA journal_mode=DELETE'\` once (hog leaves its stores so when it closes them)`,
          cause: error,
        },
      );
    }
    throw storeError(path, error);
  }
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** True when the file exists and holds at least one byte (a zero-length file is an empty database). */
export function hasContent(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Migrate and mark a store opened read-write, unless it already is hog's at this hog's version (then
 * nothing is written, and no lock is taken). Throws SQLITE_BUSY while another writer holds the lock.
 */
export function setUp(db: Database.Database, path: string): void {
  const current = refuseUnusable(path, classify(readHeader(db), MIGRATIONS.length));
  if (current.kind === 'hog' && current.version === MIGRATIONS.length) return;
  db.transaction(() => {
    const kind = refuseUnusable(path, classify(readHeader(db), MIGRATIONS.length));
    for (let v = kind.kind === 'empty' ? 0 : kind.version; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }
    db.pragma(`application_id = ${HOG_APPLICATION_ID}`);
  }).immediate();
}

/**
 * mkdir -p, one level at a time. Node 20's mkdirSync({ recursive: true }) never returns for a path
 * under /proc (it loops on the error procfs gives), so a --db there would hang hog.
 */
export function ensureDirectory(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) ensureDirectory(parent);
  try {
    mkdirSync(dir);
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  }
}

/** The error for a store whose file or directory cannot be made or opened read-write. */
export function cannotOpen(path: string, error: unknown): Error {
  const code = errnoCode(error);
  const denied =
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    code?.startsWith('SQLITE_READONLY') === true ||
    code?.startsWith('SQLITE_CANTOPEN') === true;
  const message = `cannot open the store ${path}: ${(error as Error).message}`;
  const hint = 'choose a writable file with --db FILE (or set HOG_DB)';
  return denied
    ? new PermissionError(message, { hint, cause: error })
    : new UsageError(message, { hint, cause: error });
}
