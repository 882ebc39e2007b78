/**
 * The second half of a deferred read (processTable.ts deferStatus): hog top reads statm for every
 * process, and /proc/PID/status only for the rows that show or need what statm lacks, the effective
 * uid (USER, the -u filter) and VmSwap (SWAP, sorting by it). A few dozen rows on screen instead of
 * every process: status is the costliest file of the three a refresh reads.
 */
import { type KeptProcFiles, readProcFiles } from '../proc/procFiles.js';
import { parseStatus } from '../proc/status.js';
import { vanishedOrThrow } from './processTable.js';
import type { ProcessRow } from './processView.js';

/**
 * Read status for the rows among `rows` still pending, and set their uid, user and swapBytes as
 * toRows would have from a full read (with `kept`, on the files hog top keeps open). Returns the PIDs that exited meanwhile (their rows are left
 * as they are: the caller drops them). A refused read throws, as the full read does.
 */
export function fillStatus(
  rows: readonly ProcessRow[],
  procRoot: string,
  userNames: ReadonlyMap<number, string>,
  kept?: KeptProcFiles,
): Set<number> {
  const gone = new Set<number>();
  const pending = rows.filter((r) => r.statusPending);
  if (pending.length === 0) return gone;
  const pids = pending.map((r) => r.pid);
  const files = kept ? kept.read(pids, ['status']) : readProcFiles(procRoot, pids, ['status']);
  for (const [index, row] of pending.entries()) {
    const bytes = files.get(index, 'status');
    if (typeof bytes === 'string') {
      vanishedOrThrow(bytes, row.pid, 'status', procRoot);
      gone.add(row.pid);
      continue;
    }
    const status = parseStatus(bytes, `${procRoot}/${row.pid}/status`);
    row.uid = status.euid;
    row.user = userNames.get(status.euid) ?? String(status.euid);
    row.swapBytes = status.vmSwapBytes ?? 0;
    row.statusPending = undefined;
  }
  return gone;
}
