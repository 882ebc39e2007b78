import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pageSize, parseAuxvPageSize } from '../../src/proc/pageSize.js';
import { readProcBytes } from '../../src/proc/procFile.js';

/** What libc says (sysconf(_SC_PAGESIZE)): the value statm's pages are counted in. */
const getconf = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());

describe('pageSize', () => {
  it("reads the kernel's AT_PAGESZ from this process's auxv, as getconf PAGESIZE says", () => {
    // the first read of a fresh procFile module: the auxv bytes, not an empty or stale buffer
    expect(parseAuxvPageSize(readProcBytes('/proc/self/auxv'))).toBe(getconf);
    expect(pageSize()).toBe(getconf);
  });

  it('finds AT_PAGESZ among the pairs, and nothing past AT_NULL', () => {
    const words = (pairs: [number, number][]) => {
      const bytes = Buffer.alloc(pairs.length * 16);
      pairs.forEach(([key, value], i) => {
        bytes.writeBigUInt64LE(BigInt(key), i * 16);
        bytes.writeBigUInt64LE(BigInt(value), i * 16 + 8);
      });
      return bytes;
    };
    expect(
      parseAuxvPageSize(
        words([
          [33, 1],
          [6, 16384],
          [0, 0],
        ]),
      ),
    ).toBe(16384);
    expect(
      parseAuxvPageSize(
        words([
          [33, 1],
          [0, 0],
          [6, 16384],
        ]),
      ),
    ).toBeUndefined();
  });
});
