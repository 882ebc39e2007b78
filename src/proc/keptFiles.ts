/**
 * procfs files kept open and re-read from offset 0 (pread), for a sampler that reads the same few files
 * many times a second: it saves the open() and close() of every read (top and htop re-open each time;
 * at 10-100 Hz the path lookups are most of the cost). An fd of /proc/PID/... stays bound to that
 * process: once it is reaped, reads fail with ESRCH (isVanished), even if the PID is reused.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export class KeptFiles {
  private readonly fds = new Map<string, number>();
  private buffer = Buffer.allocUnsafe(16 * 1024);

  /** The whole text of the file; errors (ENOENT, ESRCH, EACCES) propagate, and the fd is dropped. */
  read(path: string): string {
    const length = this.readWhole(path);
    return this.buffer.toString('utf8', 0, length);
  }

  /**
   * The bytes of the file as a view of the kept buffer, valid only until the next read: for parsers
   * that take numbers straight from the bytes (statm at every recorder tick) without making a string.
   */
  readView(path: string): Buffer {
    const length = this.readWhole(path);
    return this.buffer.subarray(0, length);
  }

  /** Read the whole file into the kept buffer (growing it if needed); returns the length. */
  private readWhole(path: string): number {
    let fd = this.fds.get(path);
    try {
      if (fd === undefined) {
        fd = openSync(path, 'r');
        this.fds.set(path, fd);
      }
      let length = 0;
      for (;;) {
        if (length === this.buffer.length) {
          const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
          this.buffer.copy(bigger, 0, 0, length);
          this.buffer = bigger;
        }
        // only 0 is the end: a seq_file of many records hands over a page of them per read
        const n = readSync(fd, this.buffer, length, this.buffer.length - length, length);
        if (n === 0) break;
        length += n;
      }
      return length;
    } catch (error) {
      this.drop(path);
      throw error;
    }
  }

  /** Close the files whose path starts with `prefix` (a process's directory). */
  dropPrefix(prefix: string): void {
    for (const path of [...this.fds.keys()]) if (path.startsWith(prefix)) this.drop(path);
  }

  drop(path: string): void {
    const fd = this.fds.get(path);
    if (fd === undefined) return;
    this.fds.delete(path);
    try {
      closeSync(fd);
    } catch {
      // already gone
    }
  }

  closeAll(): void {
    for (const path of [...this.fds.keys()]) this.drop(path);
  }
}
