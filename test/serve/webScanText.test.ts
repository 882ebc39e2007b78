import { describe, expect, it } from 'vitest';
import { categoryRows, scanTitle } from '../../src/serve/web/scanText.js';
import type { LastScan } from '../../src/serve/web/wire.js';

const scan: LastScan = {
  root: '/var',
  t: 1_700_000_000_000,
  durationMs: 850,
  bytes: 4 * 1024 ** 3,
  entries: 120_000,
  tree: { name: '/var', bytes: 4 * 1024 ** 3 },
  categories: [
    { name: 'application data', bytes: 3 * 1024 ** 3 },
    { name: 'logs', bytes: 1024 ** 3 },
  ],
};

describe('the last scan in words', () => {
  it('titles the scan with its root, size, entries, age and duration', () => {
    expect(scanTitle(scan, scan.t + 125_000)).toBe(
      'Last scan of /var: 4.0 GiB in 120000 entries, 2m 5s ago (took 850 ms)',
    );
    expect(scanTitle({ ...scan, durationMs: 12_000 }, scan.t)).toBe(
      'Last scan of /var: 4.0 GiB in 120000 entries, just now (took 12s)',
    );
  });

  it('makes one row per category with its size and share of the scan', () => {
    expect(categoryRows(scan)).toEqual([
      ['application data', '3.0 GiB', '75.0%'],
      ['logs', '1.0 GiB', '25.0%'],
    ]);
    expect(categoryRows({ ...scan, bytes: 0, categories: [{ name: 'other', bytes: 0 }] })).toEqual([
      ['other', '0 B', '-'],
    ]);
  });
});
