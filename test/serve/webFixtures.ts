/** API answers shaped as SERVE-CONTRACT.md / docs/api.md give them, for the dashboard's pure modules. */
import type { Mount, NetInterface, ProcessSeries, ScanNode } from '../../src/serve/web/wire.js';

const MiB = 1024 * 1024;
export const T0 = Date.UTC(2026, 11, 6, 4, 0, 0);

/** A process that grows 1 MiB every 10 s from 64 MiB, with the line the server fitted through it. */
export const growingSeries: ProcessSeries = {
  pid: 4242,
  startTicks: 123456,
  name: 'node',
  command: 'node server.js',
  points: [
    [T0, 64 * MiB],
    [T0 + 10_000, 65 * MiB],
    [T0 + 20_000, 66 * MiB],
    [T0 + 30_000, 67 * MiB],
  ],
  trend: { slopeBytesPerSecond: MiB / 10, interceptBytes: 64 * MiB, from: T0 + 10_000, to: T0 + 30_000 },
  verdict: { kind: 'leak', slopeBytesPerSecond: MiB / 10, text: 'leaking +6.0 MiB/min' },
};

export const fillingMount: Mount = {
  mountpoint: '/var',
  device: '/dev/sda2',
  fstype: 'ext4',
  sizeBytes: 1000 * MiB,
  usedBytes: 700 * MiB,
  availBytes: 300 * MiB,
  inodesTotal: 65536,
  inodesFree: 16384,
  // 1 MiB/s: the 300 MiB left are full 300 s after the last point
  fill: { bytesPerSecond: MiB, fullAt: T0 + 60_000 + 300_000 },
  points: [
    [T0, 640 * MiB],
    [T0 + 60_000, 700 * MiB],
  ],
};

export const eth0: NetInterface = {
  name: 'eth0',
  rxBytesPerSecond: 125_000,
  txBytesPerSecond: 2_500,
  speedBytesPerSecond: 125_000_000,
  points: [
    [T0, 1000, 10],
    [T0 + 5000, 125_000, 2_500],
  ],
};

/** /srv: 100 bytes in two directories and 10 bytes of files directly in it. */
export const scanTree: ScanNode = {
  name: '/srv',
  bytes: 100,
  children: [
    {
      name: 'logs',
      bytes: 60,
      children: [
        { name: 'a.log', bytes: 40 },
        { name: 'b.log', bytes: 20 },
      ],
    },
    { name: 'cache', bytes: 30, children: [{ name: 'blob', bytes: 30 }] },
    { name: 'empty', bytes: 0 },
  ],
};
