/**
 * Read a .heapsnapshot file into a RawSnapshot, streaming it through the incremental parser in 1 MiB
 * chunks (never the whole text in memory). Errors name the file, and for bad content the byte offset.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { errnoCode, NotFoundError, PermissionError, quote, UsageError } from '../errors.js';
import { SnapshotFormatError } from './snapshotError.js';
import { ParseProblem, type RawSnapshot, SnapshotParser } from './snapshotParser.js';

export interface ReadOptions {
  /** Called after each chunk with the bytes read so far and the file size. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
  /** Keep the edges' names (default); false saves 4 bytes an edge when only sizes are wanted. */
  edgeNames?: boolean;
  /** Keep the nodes' ids (default); false when objects need not be matched across snapshots. */
  ids?: boolean;
}

const CHUNK_BYTES = 1024 * 1024;

function openError(file: string, error: unknown): Error {
  const code = errnoCode(error);
  if (code === 'ENOENT') return new NotFoundError(`no such snapshot file: ${quote(file)}`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') {
    return new PermissionError(`may not read ${quote(file)}`, {
      hint: 'run hog as a user who can read it (or as root)',
      cause: error,
    });
  }
  if (code === 'EISDIR')
    return new UsageError(`${quote(file)} is a directory, not a heap snapshot`, { cause: error });
  return error as Error;
}

export async function readSnapshot(file: string, options: ReadOptions = {}): Promise<RawSnapshot> {
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    size = info.size;
  } catch (error) {
    throw openError(file, error);
  }
  const parser = new SnapshotParser(size, { edgeNames: options.edgeNames, ids: options.ids });
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES, signal: options.signal });
  try {
    for await (const chunk of stream) {
      parser.push(chunk as Buffer);
      options.onProgress?.(parser.offset, size);
    }
    return parser.finish();
  } catch (error) {
    if (error instanceof ParseProblem) {
      const notSnapshot = error.message.startsWith('not a V8 heap snapshot');
      throw new SnapshotFormatError(
        file,
        error.offset,
        error.message,
        notSnapshot
          ? 'give a .heapsnapshot file, as written by hog heap snapshot, v8.writeHeapSnapshot() or Chrome DevTools'
          : undefined,
      );
    }
    throw openError(file, error);
  } finally {
    stream.destroy();
  }
}
