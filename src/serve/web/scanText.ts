/** The words of the disk page's last scan: its title and its category rows (pure, tested apart). */
import { formatAgo, formatBytes, formatDuration, formatShare } from './format.js';
import type { LastScan } from './wire.js';

/** "Last scan of /var: 5.0 GiB in 120000 entries, 3m 2s ago (took 850 ms)". */
export function scanTitle(scan: LastScan, now: number): string {
  const took = scan.durationMs < 1000 ? `${scan.durationMs} ms` : formatDuration(scan.durationMs / 1000);
  return `Last scan of ${scan.root}: ${formatBytes(scan.bytes)} in ${scan.entries} entries, ${formatAgo(scan.t, now)} (took ${took})`;
}

/** One row per category, as the table shows it: name, size, share of the scan. */
export function categoryRows(scan: LastScan): [string, string, string][] {
  return scan.categories.map((c) => [c.name, formatBytes(c.bytes), formatShare(c.bytes, scan.bytes)]);
}
