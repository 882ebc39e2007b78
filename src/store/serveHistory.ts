/**
 * The used space of a filesystem as `hog serve` recorded it, for the doctor's disk.usage fill rate.
 * Read-only: the store is opened for reading (never created, migrated or locked for writing), and a
 * store without serve tables (only hog run / hog watch recordings, or an older hog) has no history.
 */
import { existsSync } from 'node:fs';
import { mountUsage } from './serveQueries.js';
import { Store } from './store.js';

/** Where `hog serve --install-unit` keeps its store (the service cannot write a home directory). */
export const SERVICE_DB_PATH = '/var/lib/hog/hog.db';

export function recordedDiskUsage(
  dbPaths: readonly string[],
  mountPoint: string,
  since: number,
  now: number,
): { timeMs: number; usedBytes: number }[] {
  for (const path of dbPaths) {
    if (!existsSync(path)) continue;
    let store: Store | undefined;
    try {
      store = Store.openForReading(path);
      const db = store.connection();
      const has = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'serve_fs_sample'")
        .get();
      if (!has) continue;
      const samples = mountUsage(db, mountPoint, since, now);
      if (samples.length > 0) return samples;
    } catch {
      // another user's store, a corrupt one, a lock: no history from it (the check says so)
    } finally {
      store?.close();
    }
  }
  return [];
}
