/**
 * The kernel's page size, from the auxiliary vector the kernel hands every process
 * (/proc/self/auxv: pairs of native-width words; AT_PAGESZ = 6, see getauxval(3)). statm counts pages.
 */
import { readProcBytes } from './procFile.js';

const AT_NULL = 0n;
const AT_PAGESZ = 6n;

/** Parse auxv bytes (64-bit little-endian words, as on x86-64 and arm64). */
export function parseAuxvPageSize(bytes: Buffer): number | undefined {
  for (let offset = 0; offset + 16 <= bytes.length; offset += 16) {
    const key = bytes.readBigUInt64LE(offset);
    if (key === AT_NULL) break;
    if (key === AT_PAGESZ) return Number(bytes.readBigUInt64LE(offset + 8));
  }
  return undefined;
}

let cached: number | undefined;

export function pageSize(procRoot = '/proc'): number {
  if (cached === undefined) {
    try {
      cached = parseAuxvPageSize(readProcBytes(`${procRoot}/self/auxv`)) ?? 4096;
    } catch {
      cached = 4096;
    }
  }
  return cached;
}
