/** Ticks with known values for the serve tests: the numbers are chosen so averages come out whole. */
import type { ServeTick } from '../../src/store/serveTick.js';

export function tick(
  t: number,
  values: { available?: number; rss?: number; used?: number; rx?: number } = {},
): ServeTick {
  return {
    t,
    host: {
      totalBytes: 8000,
      availableBytes: values.available ?? 4000,
      swapTotalBytes: 1000,
      swapFreeBytes: 600,
      pressureSome10: 0.25,
      pressureFull10: 0.1,
      load: [1, 2, 3],
    },
    processes: [
      {
        pid: 100,
        startTicks: 5,
        name: 'app',
        command: 'app --serve',
        isNode: true,
        rssBytes: values.rss ?? 1000,
        swapBytes: 0,
      },
    ],
    mounts: [
      {
        mountpoint: '/data',
        device: '/dev/sdb1',
        fstype: 'ext4',
        sizeBytes: 100_000,
        usedBytes: values.used ?? 50_000,
        availBytes: 100_000 - (values.used ?? 50_000),
        inodesTotal: 1000,
        inodesFree: 900,
      },
    ],
    interfaces: [
      {
        name: 'eth0',
        speedBytesPerSecond: 125_000_000,
        rxBytes: (values.rx ?? 0) * 10,
        txBytes: 0,
        rxBytesPerSecond: values.rx ?? 0,
        txBytesPerSecond: 0,
      },
    ],
    connections: [],
  };
}
