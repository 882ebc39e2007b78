/**
 * The directory scans of `hog serve --scan DIR`: one row per scan, its summary (the folded tree and the
 * category split, scanSummary.ts) kept as JSON, a few kilobytes. Migration 3. The newest scans of each
 * root are kept (KEEP_PER_ROOT); older ones are deleted when a new one is written.
 */
import type Database from 'better-sqlite3';
import type { ScanSummary, SummaryNode } from '../disk/scanSummary.js';

export const SERVE_SCAN_MIGRATION = `
  CREATE TABLE serve_scan (
    id          INTEGER PRIMARY KEY,
    root        TEXT    NOT NULL,
    t           INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    entries     INTEGER NOT NULL,
    tree        TEXT    NOT NULL,
    categories  TEXT    NOT NULL
  );
  CREATE INDEX serve_scan_root ON serve_scan (root, t);
`;

export const KEEP_PER_ROOT = 10;

export interface StoredScan {
  root: string;
  t: number;
  durationMs: number;
  bytes: number;
  entries: number;
  tree: SummaryNode;
  categories: { name: string; bytes: number }[];
}

/** Store one scan and drop the root's scans beyond the newest KEEP_PER_ROOT, in one transaction. */
export function writeScan(db: Database.Database, summary: ScanSummary, t: number, durationMs: number): void {
  db.transaction(() => {
    db.prepare(
      `INSERT INTO serve_scan (root, t, duration_ms, bytes, entries, tree, categories)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      summary.root,
      t,
      Math.round(durationMs),
      summary.bytes,
      summary.entries,
      JSON.stringify(summary.tree),
      JSON.stringify(summary.categories),
    );
    db.prepare(
      `DELETE FROM serve_scan WHERE root = ? AND id NOT IN
         (SELECT id FROM serve_scan WHERE root = ? ORDER BY t DESC, id DESC LIMIT ?)`,
    ).run(summary.root, summary.root, KEEP_PER_ROOT);
  }).immediate();
}

interface ScanRow {
  root: string;
  t: number;
  duration_ms: number;
  bytes: number;
  entries: number;
  tree: string;
  categories: string;
}

/** The newest scan of each root, newest first. */
export function latestScans(db: Database.Database): StoredScan[] {
  const rows = db
    .prepare(
      `SELECT s.root, s.t, s.duration_ms, s.bytes, s.entries, s.tree, s.categories FROM serve_scan s
       WHERE s.id = (SELECT id FROM serve_scan WHERE root = s.root ORDER BY t DESC, id DESC LIMIT 1)
       ORDER BY s.t DESC, s.id DESC`,
    )
    .all() as ScanRow[];
  return rows.map((r) => ({
    root: r.root,
    t: r.t,
    durationMs: r.duration_ms,
    bytes: r.bytes,
    entries: r.entries,
    tree: JSON.parse(r.tree) as SummaryNode,
    categories: JSON.parse(r.categories) as StoredScan['categories'],
  }));
}
