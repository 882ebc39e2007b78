import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStatm, type StatmSizes, statmSizes, statmSizesInto } from '../../src/proc/statm.js';
import { parseStatus } from '../../src/proc/status.js';
import { FIXTURES } from '../helpers/hog.js';

describe('parseStatm', () => {
  it('reads pages; resident and shared match status VmRSS and RssFile+RssShmem', () => {
    const dir = `${FIXTURES}machine/proc/8980`;
    const statm = parseStatm(readFileSync(`${dir}/statm`, 'utf8'));
    const status = parseStatus(readFileSync(`${dir}/status`, 'utf8'));
    // captured a moment apart from a live process: equal within a few pages
    expect(Math.abs(statm.residentPages * 4096 - (status.vmRssBytes ?? 0))).toBeLessThan(64 * 4096);
    expect(statm.sizePages * 4096).toBe(status.vmSizeBytes);
  });

  it('reads a kernel thread as zeros, whether printed as zeros or empty', () => {
    expect(parseStatm(readFileSync(`${FIXTURES}machine/proc/2/statm`, 'utf8')).residentPages).toBe(0);
    expect(parseStatm('')).toEqual({
      sizePages: 0,
      residentPages: 0,
      sharedPages: 0,
      textPages: 0,
      dataPages: 0,
    });
  });

  it('rejects garbage', () => {
    expect(() => parseStatm('12 x 3')).toThrow(/malformed statm/);
    expect(() => parseStatm('1 2 3')).toThrow(/malformed statm/);
  });
});

describe('statmSizes (from the bytes, for hog top)', () => {
  it('reads size, resident and shared as parseStatm does, on the captured files and a live one', () => {
    for (const file of [
      `${FIXTURES}machine/proc/8980/statm`,
      `${FIXTURES}machine/proc/2/statm`,
      '/proc/self/statm',
    ]) {
      const bytes = readFileSync(file);
      const statm = parseStatm(bytes.toString('latin1'));
      expect(statmSizes(bytes), file).toEqual({
        size: statm.sizePages,
        resident: statm.residentPages,
        shared: statm.sharedPages,
      });
    }
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
