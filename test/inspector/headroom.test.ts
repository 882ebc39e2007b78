/** The headroom verdict for a heap snapshot, from known numbers. */
import { describe, expect, it } from 'vitest';
import { type Headroom, headroomShortfalls } from '../../src/inspector/headroom.js';

const MiB = 1024 * 1024;
const roomy: Headroom = {
  heapBytes: 100 * MiB,
  memAvailableBytes: 4096 * MiB,
  cgroupFreeBytes: undefined,
  cgroupPath: undefined,
  diskFreeBytes: 2048 * MiB,
  dir: '/var/tmp',
};

describe('headroomShortfalls', () => {
  it('is empty when RAM and disk each hold the heap again', () => {
    expect(headroomShortfalls(roomy)).toEqual([]);
    expect(headroomShortfalls({ ...roomy, memAvailableBytes: 100 * MiB, diskFreeBytes: 100 * MiB })).toEqual(
      [],
    );
  });

  it('names each shortfall with its numbers', () => {
    expect(
      headroomShortfalls({
        ...roomy,
        memAvailableBytes: 50 * MiB,
        cgroupFreeBytes: 20 * MiB,
        cgroupPath: '/system.slice/app.service',
        diskFreeBytes: 10 * MiB,
      }),
    ).toEqual([
      "RAM: the snapshot needs about the heap's size again (100.0 MiB), MemAvailable is 50.0 MiB",
      "RAM: the snapshot needs about 100.0 MiB in the target's cgroup /system.slice/app.service, its limit leaves 20.0 MiB",
      'disk: the snapshot takes about 100.0 MiB in /var/tmp, 10.0 MiB are free',
    ]);
  });

  it('skips MemAvailable on kernels without it', () => {
    expect(headroomShortfalls({ ...roomy, memAvailableBytes: undefined })).toEqual([]);
  });
});
