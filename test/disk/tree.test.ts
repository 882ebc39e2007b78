/** DiskTree on hand-made walker output: totals bottom-up, hard links and other filesystems not counted, removal. */
import { describe, expect, it } from 'vitest';
import { FLAG_LINK_DUP, FLAG_OTHER_FS, KIND_DIR, KIND_FILE, type RawScan } from '../../src/disk/scanTypes.js';
import { DiskTree, jsonPath } from '../../src/disk/tree.js';

function raw(
  entries: [parent: number, name: string, kind: number, apparent: number, allocated: number, mtime: number][],
  aggregates: [entry: number, apparent: number, allocated: number, count: number, mtime: number][] = [],
): RawScan {
  const names = entries.map((e) => Buffer.from(e[1]));
  const starts: number[] = [];
  let at = 0;
  for (const n of names) {
    starts.push(at);
    at += n.length;
  }
  starts.push(at);
  return {
    count: entries.length,
    parent: Int32Array.from(entries.map((e) => e[0])),
    kind: Uint8Array.from(entries.map((e) => e[2])),
    apparent: Float64Array.from(entries.map((e) => e[3])),
    allocated: Float64Array.from(entries.map((e) => e[4])),
    mtime: Float64Array.from(entries.map((e) => e[5])),
    nameStart: Uint32Array.from(starts),
    names: Buffer.concat(names),
    aggregates: {
      entry: Int32Array.from(aggregates.map((a) => a[0])),
      apparent: Float64Array.from(aggregates.map((a) => a[1])),
      allocated: Float64Array.from(aggregates.map((a) => a[2])),
      count: Float64Array.from(aggregates.map((a) => a[3])),
      mtime: Float64Array.from(aggregates.map((a) => a[4])),
    },
    links: { entry: new Int32Array(0), group: new Int32Array(0) },
    topFiles: [],
    errors: [],
    vanished: 0,
    hardlinks: 0,
    threads: 1,
  };
}

const D = KIND_DIR;
const F = KIND_FILE;

const sample = () =>
  new DiskTree(
    raw(
      [
        [-1, '/r', D, 4096, 4096, 100],
        [0, 'a', D, 4096, 4096, 100],
        [1, 'x', F, 1000, 4096, 300],
        [0, 'y', F, 10, 4096, 200],
        [0, 'y-link', F | FLAG_LINK_DUP, 10, 4096, 200],
        [0, 'mnt', D | FLAG_OTHER_FS, 0, 0, 50],
      ],
      [[1, 5000, 8192, 2, 400]],
    ),
  );

describe('DiskTree', () => {
  it('sums bottom-up: own inode, files, folded files; hard-link copies and other filesystems count nothing', () => {
    const t = sample();
    expect(t.totals()).toEqual({
      allocatedBytes: 4096 + 4096 + 4096 + 4096 + 8192,
      apparentBytes: 4096 + 4096 + 1000 + 10 + 5000,
      files: 4,
      directories: 2,
    });
    expect(t.bytes(1, 'allocated')).toBe(4096 + 4096 + 8192);
    expect(t.own(1, 'allocated')).toEqual({ bytes: 4096 + 8192, files: 3 });
    expect(t.own(0, 'apparent')).toEqual({ bytes: 10, files: 1 });
    expect(t.newest(0)).toBe(400);
    expect(t.bytes(4, 'allocated')).toBe(0);
    expect(t.ownBytes(4, 'allocated')).toBe(4096);
    expect(t.counted(5)).toBe(false);
  });

  it('gives names, paths, children and depth', () => {
    const t = sample();
    expect(t.path(2)).toBe('/r/a/x');
    expect([...t.children(0)]).toEqual([1, 3, 4, 5]);
    expect(t.depth(2)).toBe(2);
    expect(t.roots()).toEqual([0]);
  });

  it('remove() takes an entry out of every total above it', () => {
    const t = sample();
    t.remove(1);
    expect(t.totals()).toEqual({
      allocatedBytes: 4096 + 4096,
      apparentBytes: 4096 + 10,
      files: 1,
      directories: 1,
    });
    expect(t.isRemoved(1)).toBe(true);
    t.remove(1); // twice is once
    expect(t.totals().allocatedBytes).toBe(8192);
  });

  it('keeps the bytes of a path that is not UTF-8 for JSON', () => {
    expect(jsonPath(Buffer.from('ok'))).toEqual({ path: 'ok' });
    expect(jsonPath(Buffer.from([0x61, 0xff]))).toEqual({ path: 'a\ufffd', pathBase64: 'Yf8=' });
  });
});
