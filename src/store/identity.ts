/**
 * Is this SQLite file hog's store? hog marks its files with PRAGMA application_id (a 32-bit number in
 * the database header, offset 68, meant for exactly this: see https://sqlite.org/fileformat.html#application_id)
 * and counts its migrations in PRAGMA user_version. Both are read before anything is written, so a
 * database of another program (an `app.db` given to --db by mistake) is refused and left as it was.
 *
 * A store written before hog set application_id has 0 there; it is adopted (marked as hog's on the next
 * write) only when it is exactly what that hog made: user_version 1 and the six tables of the first
 * migration, no more, no fewer. Anything else with application_id 0 and a table is another program's.
 */

/** "hogd" in ASCII: 0x68 'h', 0x6f 'o', 0x67 'g', 0x64 'd'. `file(1)` shows it as the application id. */
export const HOG_APPLICATION_ID = 0x686f6764;

/** The tables the first migration created: what an unmarked store from before application_id holds. */
export const FIRST_SCHEMA_TABLES = ['markers', 'metrics', 'notes', 'runs', 'samples', 'series'];

export interface Header {
  applicationId: number;
  userVersion: number;
  /** Names of the tables (not indexes, not sqlite_* internals), sorted. */
  tables: string[];
}

export type StoreKind =
  /** no tables, no marks: a new or zero-length file, to be set up */
  | { kind: 'empty' }
  /** marked as hog's, schema version `version` (at most what this hog knows) */
  | { kind: 'hog'; version: number }
  /** hog's store from before the mark: adopt it (set application_id) on the next write */
  | { kind: 'unmarked-hog'; version: number }
  /** hog's, but written by a newer hog with more migrations */
  | { kind: 'newer'; version: number }
  /** another program's database */
  | { kind: 'foreign'; reason: string };

export function classify(header: Header, knownVersion: number): StoreKind {
  const { applicationId, userVersion, tables } = header;
  if (applicationId === HOG_APPLICATION_ID) {
    return userVersion > knownVersion
      ? { kind: 'newer', version: userVersion }
      : { kind: 'hog', version: userVersion };
  }
  if (applicationId !== 0) {
    return {
      kind: 'foreign',
      reason: `its application_id is 0x${(applicationId >>> 0).toString(16)}, not hog's`,
    };
  }
  if (tables.length === 0 && userVersion === 0) return { kind: 'empty' };
  if (userVersion === 1 && tables.join(',') === FIRST_SCHEMA_TABLES.join(',')) {
    return { kind: 'unmarked-hog', version: 1 };
  }
  const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', ...' : '');
  return {
    kind: 'foreign',
    reason:
      tables.length > 0
        ? `it holds tables hog did not make (${shown})`
        : `its user_version is ${userVersion}`,
  };
}
