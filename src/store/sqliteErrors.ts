/**
 * What went wrong with the store, said so a user can act on it: SQLite's result codes (better-sqlite3
 * puts the extended code, e.g. SQLITE_CORRUPT_INDEX, in error.code) mapped onto hog's error family.
 */
import { errnoCode, HogError, isDiskFull, isHogError, PermissionError, UsageError } from '../errors.js';

/** Another connection holds the lock: worth retrying later. */
export function isBusy(error: unknown): boolean {
  const code = errnoCode(error) ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/** The file is not a database, or its pages do not hold together. */
export function isCorrupt(error: unknown): boolean {
  const code = errnoCode(error) ?? '';
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
}

/** An error from SQLite (as opposed to a bug in hog). */
export function isSqliteError(error: unknown): boolean {
  return (errnoCode(error) ?? '').startsWith('SQLITE_');
}

/** The HogError for a SQLite failure on the store at `path`; anything else is returned as it is. */
export function storeError(path: string, error: unknown): unknown {
  if (!isSqliteError(error) || isHogError(error)) return error;
  const code = errnoCode(error) as string;
  const what = (error as Error).message;
  if (isCorrupt(error)) {
    return new UsageError(`the store ${path} is corrupt or not a SQLite database (${what})`, {
      hint: `recover what it holds with \`sqlite3 ${path} .recover | sqlite3 ${path}.recovered\`, or record into a new store with --db FILE`,
      cause: error,
    });
  }
  if (isBusy(error)) {
    return new HogError(`the store ${path} is locked by another process (${what})`, {
      hint: 'try again when the other writer is done (`fuser` shows who has it open), or use another store with --db FILE',
      cause: error,
    });
  }
  if (isDiskFull(error)) {
    return new HogError(`no space left for the store ${path} (${what})`, {
      hint: 'free some space, or use a store on another disk with --db FILE',
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') {
    return new PermissionError(`cannot open the store ${path}: ${what}`, {
      hint: 'check the permissions of the file and its directory, or use another store with --db FILE (or HOG_DB)',
      cause: error,
    });
  }
  return new HogError(`the store ${path} failed: ${what}`, {
    hint: 'rerun with --verbose for details; use another store with --db FILE to keep recording',
    cause: error,
  });
}
