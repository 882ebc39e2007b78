/**
 * Reading procfs and sysfs files. They report size 0, so fs.readFileSync would allocate a fresh 64 KiB
 * buffer per read; a process table reads thousands of them, so one buffer is reused instead.
 */
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { errnoCode } from '../errors.js';

/**
 * Allocated at the first read, not when the module loads: the profiler's probe imports proc/ parsers
 * into every profiled program, which then would carry 64 KiB it never uses.
 */
let buffer = Buffer.alloc(0);

/** The whole text of a (pseudo-)file, read synchronously with a shared buffer. */
export function readProcText(path: string): string {
  const length = readIntoBuffer(path);
  return buffer.toString('utf8', 0, length);
}

/**
 * The bytes of a (pseudo-)file as a view of the shared buffer, valid only until the next read: for
 * parsers that take numbers straight from the bytes without making a string of the whole file.
 */
export function readProcView(path: string): Buffer {
  // read first: the read may replace the buffer (the first read, a bigger file), and
  // `buffer.subarray(0, readIntoBuffer(path))` would take the old one before the call
  const length = readIntoBuffer(path);
  return buffer.subarray(0, length);
}

/** The bytes of a (pseudo-)file, copied out of the shared buffer. */
export function readProcBytes(path: string): Buffer {
  const length = readIntoBuffer(path);
  return Buffer.from(buffer.subarray(0, length));
}

/** Read the whole file into the shared buffer (growing it if needed); returns the length. */
function readIntoBuffer(path: string): number {
  const fd = openSync(path, constants.O_RDONLY); // a number: Node parses a flags string on every call
  if (buffer.length === 0) buffer = Buffer.allocUnsafe(64 * 1024);
  try {
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      // Only a read of 0 is the end. A short read is not: a seq_file of many records (/proc/net/tcp,
      // /proc/PID/maps, smaps, mountinfo with many mounts) hands over one page of records per read()
      // whatever the request; stopping at the first short read kept the first ~4 KiB of them.
      if (n === 0) break;
      length += n;
    }
    return length;
  } finally {
    closeSync(fd);
  }
}

/**
 * True when a read failed because the process is gone: it exited between listing /proc and reading
 * its files (ENOENT), or is being reaped (ESRCH). Such processes are skipped, never reported as errors.
 */
export function isVanished(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ESRCH';
}

/** True when the kernel refused the read (another user's process, hidepid, dmesg_restrict...). */
export function isDenied(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'EACCES' || code === 'EPERM';
}
