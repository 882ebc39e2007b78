/**
 * The second half of a deferred read (processTable.ts deferStatus): hog top reads statm for every
 * process, and /proc/PID/status only for the rows that show or need what statm lacks, the effective
 * uid (USER, the -u filter) and VmSwap (SWAP, sorting by it). A few dozen rows on screen instead of
 * every process: status is the costliest file of the three a refresh reads.
 * Fewer still with `owners` (hog top): while no swap is in use on the machine, every VmSwap is 0, so
 * only the uid is wanted, and a kept uid (perProcessCache.ts: same process, not its turn) spares the
 * read. 37 rows on screen then read about 7 status files per refresh instead of 37.
 */
import { type KeptProcFiles, readProcFiles } from '../proc/procFiles.js';
import { parseStatus } from '../proc/status.js';
import type { PerProcessCache } from './perProcessCache.js';
import { vanishedOrThrow } from './processTable.js';
import type { ProcessRow } from './processView.js';

export interface StatusFillOptions {
  /** Files kept open between refreshes (hog top). */
  kept?: KeptProcFiles | undefined;
  /** Effective uids kept between refreshes; used only when `swapInUse` is false. */
  owners?: PerProcessCache<number> | undefined;
  /** The machine has swap in use (SwapTotal - SwapFree > 0): VmSwap must be read. */
  swapInUse?: boolean;
}

/**
 * Read status for the rows among `rows` still pending, and set their uid, user and swapBytes as
 * toRows would have from a full read. Returns the PIDs that exited meanwhile (their rows are left
 * as they are: the caller drops them). A refused read throws, as the full read does.
 */
export function fillStatus(
  rows: readonly ProcessRow[],
  procRoot: string,
  userNames: ReadonlyMap<number, string>,
  options: StatusFillOptions = {},
): Set<number> {
  const gone = new Set<number>();
  const { owners } = options;
  const fromCache = owners !== undefined && options.swapInUse === false;
  const pending: ProcessRow[] = [];
  for (const row of rows) {
    if (!row.statusPending) continue;
    const uid = fromCache ? owners.get(row.pid, row.startTimeTicks, row.comm) : undefined;
    if (uid === undefined) pending.push(row);
    else fill(row, uid, 0, userNames);
  }
  if (pending.length === 0) return gone;
  const pids = pending.map((r) => r.pid);
  const files = options.kept
    ? options.kept.read(pids, ['status'])
    : readProcFiles(procRoot, pids, ['status']);
  for (const [index, row] of pending.entries()) {
    const bytes = files.get(index, 'status');
    if (typeof bytes === 'string') {
      vanishedOrThrow(bytes, row.pid, 'status', procRoot);
      gone.add(row.pid);
      continue;
    }
    const status = parseStatus(bytes, `${procRoot}/${row.pid}/status`);
    fill(row, status.euid, status.vmSwapBytes ?? 0, userNames);
    owners?.set(row.pid, row.startTimeTicks, row.comm, status.euid);
  }
  return gone;
}

function fill(row: ProcessRow, uid: number, swapBytes: number, userNames: ReadonlyMap<number, string>): void {
  row.uid = uid;
  row.user = userNames.get(uid) ?? String(uid);
  row.swapBytes = swapBytes;
  row.statusPending = undefined;
}
