/**
 * A heap snapshot file hog cannot read: truncated, corrupt, or not a snapshot at all. Bad input, so
 * exit 2; the message carries the byte offset where reading stopped, so a user can look there.
 */
import { UsageError } from '../errors.js';

export class SnapshotFormatError extends UsageError {
  /** Byte offset in the file where the problem was found. */
  readonly offset: number;

  constructor(file: string, offset: number, what: string, hint?: string) {
    super(`${file}, byte ${offset}: ${what}`, {
      hint:
        hint ??
        'the file is not a complete V8 heap snapshot: take it again (hog heap snapshot PID, or v8.writeHeapSnapshot()) and check the disk was not full',
    });
    this.offset = offset;
  }
}
