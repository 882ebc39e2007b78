/** How much a file would take gzipped, estimated without compressing all of it (hog disk clean's plan). */
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The first `bytes` of a file (fewer when it is shorter). */
export function readFileHead(path: Buffer, bytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/** gzip's ratio on the first MiB, applied to the whole file, rounded up to 4 KiB blocks. */
export function estimateCompressed(path: Buffer, apparentBytes: number): number {
  // zlib loads only when a cleanup has a log to compress
  const { gzipSync } = createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib');
  try {
    const sample = readFileHead(path, 1024 * 1024);
    if (sample.length === 0) return 0;
    const ratio = gzipSync(sample).length / sample.length;
    return Math.ceil((apparentBytes * ratio) / 4096) * 4096;
  } catch {
    return apparentBytes;
  }
}
