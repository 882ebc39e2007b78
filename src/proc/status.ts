/**
 * /proc/[pid]/status — the human-readable process status (proc_pid_status(5)). hog takes its memory
 * columns from here so they equal what the kernel itself reports:
 *   RES  = VmRSS            (resident: anonymous + file-backed + shared memory pages in RAM)
 *   VIRT = VmSize           (all mapped virtual memory)
 *   SHR  = RssFile + RssShmem (resident pages that can be shared: file mappings and shmem/tmpfs)
 *   SWAP = VmSwap           (anonymous pages swapped out)
 * Kernel threads and zombies have no Vm* lines; their sizes are undefined, not zero.
 */
import { readProcText } from './procFile.js';

export interface ProcStatus {
  name: string;
  state: string;
  tgid: number;
  ppid: number;
  /** Real and effective user id. */
  uid: number;
  euid: number;
  threads: number;
  /** 1 for kernel threads on kernels >= 6.0 (older kernels: undefined). */
  kthread: boolean | undefined;
  vmPeakBytes: number | undefined;
  vmSizeBytes: number | undefined;
  vmHwmBytes: number | undefined;
  vmRssBytes: number | undefined;
  rssAnonBytes: number | undefined;
  rssFileBytes: number | undefined;
  rssShmemBytes: number | undefined;
  vmSwapBytes: number | undefined;
}

/** The kernel escapes "\n" and "\\" in the Name line (fs/proc/array.c: proc_task_name). */
function unescapeName(name: string): string {
  return name.replace(/\\(n|\\)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/** "  1764 kB" -> bytes; the status file prints every size in kB. */
function kbField(value: string): number {
  return Number.parseInt(value, 10) * 1024;
}

/**
 * A single pass over the lines without building a map: `hog ps` parses one status file per process,
 * and this is its hottest loop.
 */
export function parseStatus(text: string): ProcStatus {
  const status: ProcStatus = {
    name: '',
    state: '?',
    tgid: Number.NaN,
    ppid: 0,
    uid: 0,
    euid: 0,
    threads: 1,
    kthread: undefined,
    vmPeakBytes: undefined,
    vmSizeBytes: undefined,
    vmHwmBytes: undefined,
    vmRssBytes: undefined,
    rssAnonBytes: undefined,
    rssFileBytes: undefined,
    rssShmemBytes: undefined,
    vmSwapBytes: undefined,
  };
  let hasName = false;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const colon = text.indexOf(':', start);
    if (colon > start && colon < end) {
      const key = text.slice(start, colon);
      // values follow a tab; only Name keeps its exact text (it may start or end with spaces)
      const raw = text.slice(colon + 1, end);
      switch (key) {
        case 'Name':
          status.name = unescapeName(raw.startsWith('\t') ? raw.slice(1) : raw);
          hasName = true;
          break;
        case 'State':
          status.state = raw.trim().charAt(0) || '?';
          break;
        case 'Tgid':
          status.tgid = Number(raw.trim());
          break;
        case 'PPid':
          status.ppid = Number(raw.trim());
          break;
        case 'Uid': {
          const ids = raw.trim().split(/\s+/);
          status.uid = Number(ids[0]);
          status.euid = Number(ids[1] ?? ids[0]);
          break;
        }
        case 'Threads':
          status.threads = Number(raw.trim());
          break;
        case 'Kthread':
          status.kthread = raw.trim() === '1';
          break;
        case 'VmPeak':
          status.vmPeakBytes = kbField(raw);
          break;
        case 'VmSize':
          status.vmSizeBytes = kbField(raw);
          break;
        case 'VmHWM':
          status.vmHwmBytes = kbField(raw);
          break;
        case 'VmRSS':
          status.vmRssBytes = kbField(raw);
          break;
        case 'RssAnon':
          status.rssAnonBytes = kbField(raw);
          break;
        case 'RssFile':
          status.rssFileBytes = kbField(raw);
          break;
        case 'RssShmem':
          status.rssShmemBytes = kbField(raw);
          break;
        case 'VmSwap':
          status.vmSwapBytes = kbField(raw);
          break;
      }
    }
    start = end + 1;
  }
  if (!hasName || !Number.isInteger(status.tgid)) throw new Error('malformed status: no Name or Tgid line');
  return status;
}

export function readStatus(pid: number, procRoot = '/proc'): ProcStatus {
  return parseStatus(readProcText(`${procRoot}/${pid}/status`));
}
