import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStatm } from '../../src/proc/statm.js';
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
