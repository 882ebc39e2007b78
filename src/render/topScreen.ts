/**
 * One frame of `hog top`, as plain lines: a header with memory totals and pressure, a key/status line,
 * then process rows. Pure: the same data and size always give the same lines, never wider than
 * `width` nor more than `height` lines (so an 80x24 terminal never scrolls or wraps).
 */

import type { ProcessRow } from '../memory/processView.js';
import type { SystemMemory } from '../memory/systemMemory.js';
import type { LoadAvg } from '../proc/loadavg.js';
import type { Pressure } from '../proc/pressure.js';
import { FULL_COMMAND_COLUMN, PS_COLUMNS, type PsColumn } from './psColumns.js';
import { renderTable, truncate } from './table.js';
import { terminalText } from './terminalText.js';
import { promptText, type TopState } from './topModel.js';
import { formatBytes, formatBytesShort, formatDuration } from './units.js';

export interface TopFrameData {
  time: Date;
  uptimeSeconds: number;
  load: LoadAvg;
  memory: SystemMemory;
  pressure: Pressure | undefined;
  delaySeconds: number;
  /** Rows after filter and sort, before scrolling. */
  rows: readonly ProcessRow[];
  totalProcesses: number;
  growthPerMinute: (pid: number) => number | undefined;
}

const SORT_LABEL = {
  mem: 'RES',
  cpu: 'CPU%',
  pid: 'PID',
  virt: 'VIRT',
  swap: 'SWAP',
  pss: 'PSS',
  name: 'COMMAND',
} as const;

export function formatGrowth(bytesPerMinute: number | undefined): string {
  if (bytesPerMinute === undefined) return '-';
  if (Math.abs(bytesPerMinute) < 1024) return '0/m';
  return `${bytesPerMinute > 0 ? '+' : ''}${formatBytesShort(bytesPerMinute)}/m`;
}

/**
 * The rows [start, end) a screen `height` lines high shows, scrolled to `scroll`: the last page stays
 * full when the list got shorter. hog top reads status for these rows only (cli/top.ts).
 */
export function visibleRows(
  rowCount: number,
  scroll: number,
  height: number,
): { start: number; end: number } {
  const pageRows = Math.max(0, height - HEADER_LINES - 1);
  const start = Math.min(scroll, Math.max(0, rowCount - pageRows));
  return { start, end: Math.min(rowCount, start + pageRows) };
}

/** Lines above the table: how many, so the loop knows the page size. */
export const HEADER_LINES = 5;

export function topColumns(
  width: number,
  growth: TopFrameData['growthPerMinute'],
  fullCommand = false,
): PsColumn[] {
  const c = PS_COLUMNS;
  const growthColumn: PsColumn = {
    id: 'growth',
    header: 'GROWTH',
    key: 'growthBytesPerMinute',
    align: 'right',
    minWidth: 8,
    value: (r) => growth(r.pid) ?? null,
    text: (r) => formatGrowth(growth(r.pid)),
    source: 'change of VmRSS per minute since hog top started watching the process',
    meaning: 'How fast RES grows: a steady plus here is what a leak looks like.',
  };
  const state = { ...(c.state as PsColumn), header: 'S' };
  const columns = [c.pid, c.user, c.res, c.shr, c.virt, c.memPercent];
  if (width >= 100) columns.push(c.swap);
  columns.push(c.cpu, state, growthColumn, fullCommand ? FULL_COMMAND_COLUMN : c.command);
  return columns.filter((x): x is PsColumn => x !== undefined);
}

export function renderTopFrame(state: TopState, data: TopFrameData, width: number, height: number): string[] {
  const m = data.memory;
  const clock = data.time.toTimeString().slice(0, 8);
  const load = `${data.load.load1.toFixed(2)} ${data.load.load5.toFixed(2)} ${data.load.load15.toFixed(2)}`;
  const psi = data.pressure
    ? `PSI mem some ${data.pressure.some.avg10.toFixed(1)}%${data.pressure.full ? ` full ${data.pressure.full.avg10.toFixed(1)}%` : ''} (10s)`
    : 'PSI n/a';
  const header = [
    `hog top - ${clock} up ${formatDuration(data.uptimeSeconds)}, load ${load}, ${data.totalProcesses} processes, every ${data.delaySeconds}s`,
    `Mem: ${formatBytes(m.totalBytes)} total, ${formatBytes(m.usedBytes)} used, ${formatBytes(m.availableBytes)} avail, ${formatBytes(m.buffCacheBytes)} buff/cache`,
    `Swap: ${formatBytes(m.swapTotalBytes)} total, ${formatBytes(m.swapUsedBytes)} used   ${psi}`,
    `Sort ${SORT_LABEL[state.sort]}${state.tree ? ' tree' : ''}${state.filter ? `  filter "${terminalText(state.filter)}"` : ''}  M mem P cpu N pid T tree c cmd / filter k kill q quit`,
  ];
  // the status names processes (the kill prompt, its result) and echoes what the user typed
  const status = state.prompt ? promptText(state.prompt) : (state.message ?? '');
  header.push(terminalText(status));

  const { start, end } = visibleRows(data.rows.length, state.scroll, height);
  const visible = data.rows.slice(start, end);
  const table = renderTable(topColumns(width, data.growthPerMinute, state.fullCommand), visible, { width });
  return [...header.map((line) => truncate(line, width)), ...table].slice(0, height);
}
