/**
 * /proc/[pid]/smaps_rollup — the sum of /proc/[pid]/smaps over all mappings (kernel >= 4.14).
 * It walks every page table, so it costs about ten times more than status: read it only when asked.
 * For another user's process it is unreadable (EACCES) unless hog runs as root.
 *   PSS = Pss  (proportional set size: each shared page divided by the number of processes mapping it)
 *   USS = Private_Clean + Private_Dirty + Private_Hugetlb (memory freed if the process exited; as psutil)
 */
import { kbToBytes, parseKeyValueLines } from './keyValue.js';
import { lineCount, malformed } from './malformed.js';
import { readProcText } from './procFile.js';

export interface SmapsRollup {
  rssBytes: number;
  pssBytes: number;
  pssAnonBytes: number | undefined;
  pssFileBytes: number | undefined;
  pssShmemBytes: number | undefined;
  sharedCleanBytes: number;
  sharedDirtyBytes: number;
  privateCleanBytes: number;
  privateDirtyBytes: number;
  privateHugetlbBytes: number;
  swapBytes: number;
  swapPssBytes: number | undefined;
  ussBytes: number;
}

export function parseSmapsRollup(text: string, file = '/proc/[pid]/smaps_rollup'): SmapsRollup {
  const f = parseKeyValueLines(text);
  const get = (key: string): number | undefined => kbToBytes(f.get(key));
  const need = (key: string): number => {
    const value = get(key);
    if (value === undefined) throw malformed(file, `malformed smaps_rollup: no ${key} line`, lineCount(text));
    return value;
  };
  const privateCleanBytes = need('Private_Clean');
  const privateDirtyBytes = need('Private_Dirty');
  const privateHugetlbBytes = get('Private_Hugetlb') ?? 0;
  return {
    rssBytes: need('Rss'),
    pssBytes: need('Pss'),
    pssAnonBytes: get('Pss_Anon'),
    pssFileBytes: get('Pss_File'),
    pssShmemBytes: get('Pss_Shmem'),
    sharedCleanBytes: need('Shared_Clean'),
    sharedDirtyBytes: need('Shared_Dirty'),
    privateCleanBytes,
    privateDirtyBytes,
    privateHugetlbBytes,
    swapBytes: get('Swap') ?? 0,
    swapPssBytes: get('SwapPss'),
    ussBytes: privateCleanBytes + privateDirtyBytes + privateHugetlbBytes,
  };
}

/** Kernel threads have an empty smaps_rollup: undefined, not zeros. */
export function readSmapsRollup(pid: number, procRoot = '/proc'): SmapsRollup | undefined {
  const file = `${procRoot}/${pid}/smaps_rollup`;
  const text = readProcText(file);
  return text.trim() === '' ? undefined : parseSmapsRollup(text, file);
}
