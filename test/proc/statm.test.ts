import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type StatmSizes, statmSizes, statmSizesInto } from '../../src/proc/statm.js';
import { parseStatus } from '../../src/proc/status.js';
import { FIXTURES } from '../helpers/hog.js';

describe('statmSizes: pages', () => {
  it('reads pages; resident and shared match status VmRSS and RssFile+RssShmem', () => {
    const dir = `${FIXTURES}machine/proc/8980`;
    const statm = statmSizes(readFileSync(`${dir}/statm`));
    const status = parseStatus(readFileSync(`${dir}/status`, 'utf8'));
    // captured a moment apart from a live process: equal within a few pages
    expect(Math.abs(statm.resident * 4096 - (status.vmRssBytes ?? 0))).toBeLessThan(64 * 4096);
    expect(statm.size * 4096).toBe(status.vmSizeBytes);
  });

  it('reads a kernel thread as zeros, whether printed as zeros or empty', () => {
    expect(statmSizes(readFileSync(`${FIXTURES}machine/proc/2/statm`)).resident).toBe(0);
    expect(statmSizes(Buffer.from(''))).toEqual({ size: 0, resident: 0, shared: 0 });
    expect(statmSizes(Buffer.from('0 0 0 0 0 0 0\n'))).toEqual({ size: 0, resident: 0, shared: 0 });
  });

  it('rejects garbage', () => {
    expect(() => statmSizes(Buffer.from('12 x 3'))).toThrow(/malformed statm/);
    expect(() => statmSizes(Buffer.from('1 2 3'))).toThrow(/malformed statm/);
    expect(() => statmSizes(Buffer.from('garbage'))).toThrow(/malformed statm/);
  });
});

describe('statmSizes (from the bytes, for hog top)', () => {
  it('reads size, resident and shared as the split text says, on the captured files and a live one', () => {
    for (const file of [
      `${FIXTURES}machine/proc/8980/statm`,
      `${FIXTURES}machine/proc/2/statm`,
      '/proc/self/statm',
    ]) {
      const bytes = readFileSync(file);
      const [size, resident, shared] = bytes.toString('latin1').trim().split(' ').map(Number);
      expect(statmSizes(bytes), file).toEqual({ size, resident, shared });
    }
    expect(statmSizes(Buffer.from('9573 2157 1432 5 0 420 0\n'))).toEqual({
      size: 9573,
      resident: 2157,
      shared: 1432,
    });
    expect(statmSizes(Buffer.from('182059 10066 8485 6802 0 12184 0\n'))).toEqual({
      size: 182059,
      resident: 10066,
      shared: 8485,
    });
  });

  it('reads an empty statm (a kernel thread on old kernels) as zeros and rejects garbage', () => {
    expect(statmSizes(Buffer.alloc(0))).toEqual({ size: 0, resident: 0, shared: 0 });
    expect(() => statmSizes(Buffer.from('12 x 3 4 5 6 7\n'))).toThrow(/malformed statm: "12 x 3 4 5 6 7"/);
    expect(() => statmSizes(Buffer.from('-1 2 3 4 5 6 7\n'))).toThrow(/malformed statm/);
    expect(() => statmSizes(Buffer.from('1 2'))).toThrow(/malformed statm/);
  });
});

describe('statmSizesInto (a kept buffer and object, for the profiler probe)', () => {
  it('parses the first `length` bytes of a reused buffer into the same object', () => {
    const buffer = Buffer.alloc(256);
    const into: StatmSizes = { size: 0, resident: 0, shared: 0 };
    let n = buffer.write('1206 514 380 5 0 134 0\n', 'latin1');
    expect(statmSizesInto(into, buffer, n)).toBe(into);
    expect(into).toEqual({ size: 1206, resident: 514, shared: 380 });
    // a shorter line over the longer one's bytes: what lies past `length` is not read
    n = buffer.write('9 8 7 6 5 4 3\n', 'latin1');
    expect(statmSizesInto(into, buffer, n)).toEqual({ size: 9, resident: 8, shared: 7 });
    expect(() => statmSizesInto(into, buffer, 4, '/proc/self/statm')).toThrow(
      '/proc/self/statm:1: malformed statm: "9 8"',
    );
    expect(into).toEqual({ size: 9, resident: 8, shared: 7 });
    expect(statmSizesInto(into, buffer, 0)).toEqual({ size: 0, resident: 0, shared: 0 });
  });
});
