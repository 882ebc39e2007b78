/**
 * Which processes a tick records: the top N by RSS plus the watched PIDs, so the store grows with N,
 * not with the machine's process count. RSS for the ranking comes from statm alone (one small read per
 * process); only the chosen ones are then read in full (stat, status, cmdline).
 */
import { listPids } from '../proc/pids.js';
import { readProcFiles } from '../proc/procFiles.js';
import { statmSizes } from '../proc/statm.js';

/** The PIDs to record: the `top` largest resident sets, then the watched PIDs not already among them. */
export function pickProcesses(
  procRoot: string,
  top: number,
  watched: readonly number[],
  pageBytes: number,
): number[] {
  const pids = listPids(procRoot);
  const files = readProcFiles(procRoot, pids, ['statm']);
  const ranked: { pid: number; rss: number }[] = [];
  for (const [index, pid] of pids.entries()) {
    const bytes = files.get(index, 'statm');
    if (typeof bytes === 'string') continue; // exited meanwhile
    try {
      const { resident } = statmSizes(bytes);
      // kernel threads read all zeros: no user memory to record
      if (resident > 0) ranked.push({ pid, rss: resident * pageBytes });
    } catch {
      // a malformed statm: not worth a tick's failure
    }
  }
  return topPids(ranked, top, watched);
}

/** Pure: the `top` PIDs by RSS (ties by PID), then the watched ones. */
export function topPids(
  ranked: { pid: number; rss: number }[],
  top: number,
  watched: readonly number[],
): number[] {
  ranked.sort((a, b) => b.rss - a.rss || a.pid - b.pid);
  const chosen = ranked.slice(0, top).map((r) => r.pid);
  const seen = new Set(chosen);
  for (const pid of watched) if (!seen.has(pid)) chosen.push(pid);
  return chosen;
}
