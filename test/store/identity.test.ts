/**
 * Which SQLite files hog writes into: its own (application_id 0x686f6764), a new or zero-length file,
 * and a store from before the mark (adopted); nothing else. Classification on headers, then real files.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { UnsupportedError, UsageError } from '../../src/errors.js';
import { classify, FIRST_SCHEMA_TABLES, HOG_APPLICATION_ID } from '../../src/store/identity.js';
import { MIGRATIONS } from '../../src/store/schema.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/store.js';

const tmp = tempDir('identity');
afterAll(() => tmp.remove());
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const header = (db: string) => {
  const raw = new Database(db, { readonly: true });
  try {
    return [raw.pragma('application_id', { simple: true }), raw.pragma('user_version', { simple: true })];
  } finally {
    raw.close();
  }
};

describe('classify', () => {
  const known = MIGRATIONS.length;
  it('tells hog stores, new files, unmarked hog stores, newer ones and foreign ones apart', () => {
    const tables = FIRST_SCHEMA_TABLES;
    expect(classify({ applicationId: HOG_APPLICATION_ID, userVersion: 1, tables }, known)).toEqual({
      kind: 'hog',
      version: 1,
    });
    expect(classify({ applicationId: HOG_APPLICATION_ID, userVersion: known + 1, tables }, known)).toEqual({
      kind: 'newer',
      version: known + 1,
    });
    expect(classify({ applicationId: 0, userVersion: 0, tables: [] }, known)).toEqual({ kind: 'empty' });
    expect(classify({ applicationId: 0, userVersion: 1, tables }, known)).toEqual({
      kind: 'unmarked-hog',
      version: 1,
    });
    // hog's table names but not its version, one table more or less, another program's id
    expect(classify({ applicationId: 0, userVersion: 0, tables }, known).kind).toBe('foreign');
    expect(classify({ applicationId: 0, userVersion: 1, tables: [...tables, 'users'] }, known).kind).toBe(
      'foreign',
    );
    expect(classify({ applicationId: 0, userVersion: 1, tables: tables.slice(1) }, known).kind).toBe(
      'foreign',
    );
    expect(classify({ applicationId: 0x0f055112, userVersion: 1, tables }, known)).toEqual({
      kind: 'foreign',
      reason: "its application_id is 0xf055112, not hog's",
    });
    expect(classify({ applicationId: 0, userVersion: 5, tables: [] }, known)).toEqual({
      kind: 'foreign',
      reason: 'its user_version is 5',
    });
  });
});

describe('opening real files', () => {
  it('adopts a store written before the mark: a reader leaves it as it is, the next writer marks it', () => {
    const path = join(tmp.dir, 'old.db');
    // what hog wrote before application_id: the first migration, user_version 1, WAL
    const old = new Database(path);
    old.pragma('journal_mode = DELETE');
    old.exec(MIGRATIONS[0] as string);
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO runs (kind, command, started_at) VALUES ('run', 'old', 5)").run();
    old.close();
    const before = sha(path);
    const reader = Store.openForReading(path);
    expect(reader.listRuns().map((r) => r.command)).toEqual(['old']);
    reader.close();
    expect(sha(path)).toBe(before);
    expect(header(path)).toEqual([0, 1]);
    const writer = Store.openForWriting(path);
    writer.createRun({ kind: 'run', command: 'new', host: 'h', startedAt: 6 });
    writer.close();
    expect(header(path)).toEqual([HOG_APPLICATION_ID, MIGRATIONS.length]);
    const again = Store.openForReading(path);
    expect(again.listRuns().map((r) => r.command)).toEqual(['new', 'old']);
    again.close();
  });

  it('sets up a zero-length file; reading one says there is nothing yet', () => {
    const path = join(tmp.dir, 'zero.db');
    writeFileSync(path, '');
    const reader = Store.openForReading(path);
    expect(reader.listRuns()).toEqual([]);
    expect(reader.lastRunId()).toBeUndefined();
    reader.close();
    expect(readFileSync(path).length).toBe(0);
    Store.openForWriting(path).close();
    expect(header(path)).toEqual([HOG_APPLICATION_ID, MIGRATIONS.length]);
  });

  it('refuses a foreign file and a newer hog store for reading and for writing, without changing them', () => {
    const foreign = join(tmp.dir, 'foreign.db');
    const raw = new Database(foreign);
    raw.pragma('application_id = 1234');
    raw.close();
    const newer = join(tmp.dir, 'newer.db');
    const n = new Database(newer);
    n.pragma(`application_id = ${HOG_APPLICATION_ID}`);
    n.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    n.close();
    for (const [path, kind] of [
      [foreign, UsageError],
      [newer, UnsupportedError],
    ] as const) {
      const before = sha(path);
      expect(() => Store.openForReading(path)).toThrow(kind);
      expect(() => Store.openForWriting(path)).toThrow(kind);
      expect(sha(path)).toBe(before);
    }
  });
});
