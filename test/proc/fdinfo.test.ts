import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFdInfo } from '../../src/proc/fdinfo.js';
import { FIXTURES } from '../helpers/hog.js';

const fixture = (name: string) => readFileSync(`${FIXTURES}disk/fdinfo/${name}`, 'utf8');

describe('parseFdInfo', () => {
  it('reads the offset and the open mode: write at an offset, append, read', () => {
    expect(parseFdInfo(fixture('write-offset'))).toEqual({
      pos: 52428800,
      flags: 0o100001,
      writable: true,
      readable: false,
      append: false,
      mountId: 23,
      ino: 1433690,
    });
    expect(parseFdInfo(fixture('append'))).toMatchObject({ writable: true, append: true, pos: 701 });
    // kernels before 5.14 have no ino line
    expect(parseFdInfo(fixture('read-old-kernel'))).toMatchObject({
      writable: false,
      readable: true,
      append: false,
      ino: undefined,
    });
  });

  it('gives undefined for text that is not fdinfo', () => {
    expect(parseFdInfo(fixture('malformed'))).toBeUndefined();
    expect(parseFdInfo('')).toBeUndefined();
  });

  it('agrees with the kernel on a descriptor of this process', () => {
    const info = parseFdInfo(readFileSync('/proc/self/fdinfo/1', 'utf8'));
    expect(info?.pos).toBeGreaterThanOrEqual(0);
  });
});
