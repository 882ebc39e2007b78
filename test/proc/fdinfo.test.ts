import {
  closeSync,
  constants,
  fstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('agrees with the kernel on a descriptor of this process: offset, mode and inode', () => {
    const dir = mkdtempSync(join(tmpdir(), `hog-test-fdinfo-${process.pid}-`));
    const appender = openSync(join(dir, 'log'), 'a+'); // O_RDWR | O_APPEND | O_CREAT
    const reader = openSync(join(dir, 'log'), 'r');
    try {
      writeSync(appender, Buffer.alloc(12_345, 1));
      readSync(reader, Buffer.alloc(100), 0, 100, null); // moves this descriptor's offset to 100
      const a = parseFdInfo(readFileSync(`/proc/self/fdinfo/${appender}`, 'utf8'));
      expect(a).toMatchObject({ pos: 12_345, writable: true, readable: true, append: true });
      expect(a?.ino).toBe(fstatSync(appender).ino);
      const O_ACCMODE = 0o3; // asm-generic/fcntl.h; not in Node's fs.constants
      expect((a?.flags ?? 0) & (O_ACCMODE | constants.O_APPEND)).toBe(constants.O_RDWR | constants.O_APPEND);
      const r = parseFdInfo(readFileSync(`/proc/self/fdinfo/${reader}`, 'utf8'));
      expect(r).toMatchObject({ pos: 100, writable: false, readable: true, append: false });
      expect(r?.ino).toBe(a?.ino);
    } finally {
      closeSync(appender);
      closeSync(reader);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
