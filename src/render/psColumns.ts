/**
 * The columns of `hog ps` and `hog top`, in one table: header, where the number comes from, what it
 * means (for --explain), and how it prints in the table, the CSV and the JSON (STYLE.md #6).
 */

import type { ProcessRow } from '../memory/processView.js';
import type { TableColumn } from './table.js';
import { formatBytesShort } from './units.js';

export interface PsColumn extends TableColumn<ProcessRow> {
  id: string;
  /** Name in --json and --csv. Sizes are in bytes there. */
  key: string;
  value: (row: ProcessRow) => number | string | null;
  source: string;
  meaning: string;
}

const bytesColumn = (
  id: string,
  header: string,
  key: keyof ProcessRow,
  source: string,
  meaning: string,
): PsColumn => ({
  id,
  header,
  key,
  align: 'right',
  minWidth: 6,
  value: (row) => {
    const v = row[key];
    return typeof v === 'number' ? v : null;
  },
  text: (row) => {
    const v = row[key];
    return typeof v === 'number' ? formatBytesShort(v) : '-';
  },
  source,
  meaning,
});

export const PS_COLUMNS: Record<string, PsColumn> = {
  pid: {
    id: 'pid',
    header: 'PID',
    key: 'pid',
    align: 'right',
    minWidth: 7,
    value: (r) => r.pid,
    text: (r) => String(r.pid),
    source: '/proc/[pid]',
    meaning: 'Process ID.',
  },
  user: {
    id: 'user',
    header: 'USER',
    key: 'user',
    align: 'left',
    minWidth: 8,
    value: (r) => r.user,
    text: (r) => (r.user.length > 8 ? `${r.user.slice(0, 7)}+` : r.user),
    source: 'real uid from /proc/[pid]/status, name from /etc/passwd',
    meaning: 'Owner of the process.',
  },
  res: bytesColumn(
    'res',
    'RES',
    'resBytes',
    'VmRSS in /proc/[pid]/status',
    'Resident memory: pages of this process that are in RAM now. This is what costs RAM. A RES that keeps growing is the sign of a leak.',
  ),
  shr: bytesColumn(
    'shr',
    'SHR',
    'shrBytes',
    'RssFile + RssShmem in /proc/[pid]/status',
    'Shared part of RES: file-backed pages (libraries, mapped files) and shared memory, which other processes may map too. Not counted once per process in reality.',
  ),
  virt: bytesColumn(
    'virt',
    'VIRT',
    'virtBytes',
    'VmSize in /proc/[pid]/status',
    'Virtual memory: everything mapped, including reserved but unused address space, shared libraries and files. A high VIRT is usually fine.',
  ),
  memPercent: {
    id: 'memPercent',
    header: '%MEM',
    key: 'memPercent',
    align: 'right',
    minWidth: 5,
    value: (r) => Number(r.memPercent.toFixed(2)),
    text: (r) => r.memPercent.toFixed(1),
    source: 'RES / MemTotal (/proc/meminfo)',
    meaning: 'RES as a share of physical memory.',
  },
  swap: bytesColumn(
    'swap',
    'SWAP',
    'swapBytes',
    'VmSwap in /proc/[pid]/status',
    'Anonymous memory of this process that was pushed out to swap. Non-zero while the machine is short of RAM.',
  ),
  pss: bytesColumn(
    'pss',
    'PSS',
    'pssBytes',
    'Pss in /proc/[pid]/smaps_rollup',
    'Proportional set size: RES with each shared page divided among the processes that map it. PSS values add up to real RAM use.',
  ),
  uss: bytesColumn(
    'uss',
    'USS',
    'ussBytes',
    'Private_Clean + Private_Dirty + Private_Hugetlb in /proc/[pid]/smaps_rollup',
    'Unique set size: memory only this process uses, freed if it exits.',
  ),
  cpu: {
    id: 'cpu',
    header: 'CPU%',
    key: 'cpuPercent',
    align: 'right',
    minWidth: 5,
    value: (r) => Number(r.cpuPercent.toFixed(2)),
    text: (r) => r.cpuPercent.toFixed(1),
    source: 'utime + stime in /proc/[pid]/stat, between two samples (--interval)',
    meaning:
      'CPU used over the sampling interval, in percent of one core (200% = two cores busy). With --interval 0, the average over the process lifetime, like ps.',
  },
  state: {
    id: 'state',
    header: 'STATE',
    key: 'state',
    align: 'left',
    value: (r) => r.state,
    text: (r) => r.state,
    source: 'field 3 of /proc/[pid]/stat',
    meaning:
      'R running, S sleeping, D uninterruptible (usually disk I/O), Z zombie, T stopped, I idle kernel thread.',
  },
  command: {
    id: 'command',
    header: 'COMMAND',
    key: 'command',
    align: 'left',
    flex: true,
    value: (r) => r.command,
    text: (r) => `${r.treePrefix ?? ''}${r.shortCommand}`,
    source: '/proc/[pid]/cmdline, or [comm] from /proc/[pid]/stat for kernel threads',
    meaning:
      'The program name (last part of argv[0]) and its arguments, paths cut to their last part; the full command line with -c (top: c). [name] is a kernel thread; <defunct> a zombie waiting for its parent.',
  },
};

/** COMMAND with the whole command line, as top's c and ps -f show it. */
export const FULL_COMMAND_COLUMN: PsColumn = {
  ...(PS_COLUMNS.command as PsColumn),
  text: (r) => `${r.treePrefix ?? ''}${r.command}`,
  meaning: 'The full command line. [name] is a kernel thread; <defunct> a zombie waiting for its parent.',
};

/** The default columns, in order; PSS and USS join before CPU% when asked for. */
export function psColumns(options: { pss?: boolean; uss?: boolean; fullCommand?: boolean } = {}): PsColumn[] {
  const c = PS_COLUMNS;
  const memory = [c.res, c.shr, c.virt, c.memPercent, c.swap];
  if (options.pss) memory.push(c.pss);
  if (options.uss) memory.push(c.uss);
  const command = options.fullCommand ? FULL_COMMAND_COLUMN : c.command;
  return [c.pid, c.user, ...memory, c.cpu, c.state, command].filter((x): x is PsColumn => x !== undefined);
}
