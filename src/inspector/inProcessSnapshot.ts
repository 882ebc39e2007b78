/**
 * writeSnapshot(): a heap snapshot of the calling process itself (library API). node:v8's
 * writeHeapSnapshot streams V8's serializer straight into the file, so the JSON is never one string
 * in memory; the same headroom check as for another process comes first (the snapshot's graph takes
 * about the heap's size again while it is built).
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { UsageError } from '../errors.js';
import { headroomShortfalls, readHeadroom } from './headroom.js';

export interface WriteSnapshotOptions {
  /** Take it although RAM or disk look short. */
  force?: boolean;
}

/**
 * Write a snapshot of this process's heap to `file` (default: Heap-<date>-<pid>.heapsnapshot in the
 * current directory, Node's own name); returns where, and its size.
 */
export function writeSnapshot(
  file?: string,
  options: WriteSnapshotOptions = {},
): { file: string; bytes: number } {
  const dir = dirname(resolve(file ?? '.'));
  if (!options.force) {
    const short = headroomShortfalls(
      readHeadroom(process.pid, process.memoryUsage().heapUsed, file ? dir : process.cwd(), '/proc'),
    );
    if (short.length > 0) {
      throw new UsageError(`not enough room for a heap snapshot: ${short.join('; ')}`, {
        hint: 'free memory or disk, write elsewhere, or pass { force: true }',
      });
    }
  }
  const written = resolve(writeHeapSnapshot(file));
  return { file: written, bytes: statSync(written).size };
}
