/**
 * Reading a file other processes append JSON lines to, a little at a time: each read returns the
 * complete lines added since the last one (a half-written last line waits for its end). Lines that are
 * not JSON objects are counted, never fatal. The file may not exist yet: then there is nothing to read.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { errnoCode } from '../errors.js';

export class JsonLinesTail {
  private offset = 0;
  private partial = '';
  /** Lines that were not JSON objects. */
  bad = 0;

  constructor(readonly path: string) {}

  /** The objects appended since the last call; `final` also takes a last line without a newline. */
  read(final = false): Record<string, unknown>[] {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return [];
      throw error;
    }
    let text = '';
    try {
      const buffer = Buffer.allocUnsafe(64 * 1024);
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        text += buffer.toString('utf8', 0, n);
      }
    } finally {
      closeSync(fd);
    }
    const lines = (this.partial + text).split('\n');
    this.partial = final ? '' : (lines.pop() ?? '');
    const objects: Record<string, unknown>[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const value: unknown = JSON.parse(line);
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
          objects.push(value as Record<string, unknown>);
        } else {
          this.bad++;
        }
      } catch {
        this.bad++;
      }
    }
    return objects;
  }
}
