/**
 * `hog net` as text: the live frame (never wider than the terminal nor taller than it) and the
 * one-shot report of `hog net -t`, from the same header, interface summary and table.
 */
import { COUNTS, INTERFACE_COUNTS, type InterfaceRow, type NetSnapshot } from '../net/monitor.js';
import type { NetRow } from '../net/netView.js';
import { renderNetTable } from './netColumns.js';
import type { NetState } from './netModel.js';
import { truncate } from './table.js';
import { terminalText } from './terminalText.js';
import { formatBytes, formatDuration, formatPercent, formatRate } from './units.js';
import { wrap } from './wrap.js';

const SORT_LABEL = {
  '2s': '2s',
  '10s': '10s',
  '40s': '40s',
  total: 'total',
  in: 'in',
  out: 'out',
  peak: 'peak',
  name: 'name',
};

/** "eth0 in 1.2 Mb/s out 80 Kb/s (12.0% of 10.0 Mb/s)" over the 10 s window, busiest interfaces first. */
export function interfaceSummary(interfaces: readonly InterfaceRow[], bytes: boolean): string[] {
  const shown = [...interfaces]
    .filter((i) => i.totalIn + i.totalOut > 0 || i.speedBitsPerSecond !== undefined)
    .sort((a, b) => b.rates[10].in + b.rates[10].out - (a.rates[10].in + a.rates[10].out));
  return shown.map((i) => {
    const rate = `${terminalText(i.name)} in ${formatRate(i.rates[10].in, { bytes })} out ${formatRate(i.rates[10].out, { bytes })}`;
    if (i.speedBitsPerSecond === undefined) return rate;
    return `${rate} (${formatPercent(i.utilisationPercent ?? 0)} of ${formatRate(i.speedBitsPerSecond / 8)})`;
  });
}

function clock(time: number): string {
  return new Date(time).toTimeString().slice(0, 8);
}

export interface FrameOptions {
  intervalSeconds: number;
  /** Flags the run was started with that narrow it, e.g. "port 5201", shown in the header. */
  narrowed: string;
}

/** Lines above the table in the live view. */
export const NET_HEADER_LINES = 4;

export function renderNetFrame(
  state: NetState,
  snapshot: NetSnapshot,
  rows: readonly NetRow[],
  width: number,
  height: number,
  options: FrameOptions,
): string[] {
  const mode = snapshot.mode === 'capture' ? 'IP packets (capture)' : 'TCP payload';
  const header = [
    `hog net - ${clock(snapshot.time)} every ${options.intervalSeconds}s, by ${state.by}, sort ${SORT_LABEL[state.sort]}, ${mode}${options.narrowed ? `, ${options.narrowed}` : ''}${state.paused ? ' [paused]' : ''}`,
    `${interfaceSummary(snapshot.interfaces, state.bytes).join('  |  ') || 'no traffic on any interface yet'} (10s)`,
    `c p r i group  1 2 3 t n sort  / filter  b bytes  a idle  space pause  q quit${state.filter ? `  filter "${terminalText(state.filter)}"` : ''}`,
    state.prompt !== undefined
      ? `Filter (process, PID, address or port; Enter applies, empty clears): ${terminalText(state.prompt)}`
      : (snapshot.notes[0] ?? ''),
  ];
  const pageRows = Math.max(0, height - NET_HEADER_LINES - 1);
  const scroll = Math.min(state.scroll, Math.max(0, rows.length - pageRows));
  const visible = rows.slice(scroll, scroll + pageRows);
  const table =
    visible.length > 0 || state.by === 'interface'
      ? renderNetTable(visible, state.by, width, { bytes: state.bytes })
      : [truncate(emptyMessage(state, snapshot), width)];
  return [...header.map((line) => truncate(line, width)), ...table.map((l) => truncate(l, width))].slice(
    0,
    height,
  );
}

function emptyMessage(state: NetState, snapshot: NetSnapshot): string {
  if (state.filter) return `no ${state.by} matches "${terminalText(state.filter)}"`;
  if (snapshot.elapsedSeconds < 0.01) return 'measuring...';
  return state.all ? 'no connections' : 'no traffic since hog started (a shows idle connections)';
}

export interface ReportOptions {
  seconds: number;
  bytes: boolean;
  narrowed: string;
  /** Width to cut the table to (a terminal), or undefined for a pipe. */
  width: number | undefined;
}

/** The text report of `hog net -t`: what was measured, interfaces, then the rows. */
export function renderNetReport(
  snapshot: NetSnapshot,
  by: NetState['by'],
  rows: readonly NetRow[],
  interfaceRows: readonly NetRow[],
  options: ReportOptions,
): string[] {
  const lines = [
    `hog net: ${formatDuration(snapshot.elapsedSeconds)} measured, ending ${new Date(snapshot.time).toISOString()}${options.narrowed ? `, ${options.narrowed}` : ''}`,
    ...wrap(`counting: ${COUNTS[snapshot.mode]}; interfaces: ${INTERFACE_COUNTS}`, options.width ?? 100),
    '',
    ...renderNetTable(interfaceRows, 'interface', options.width, { bytes: options.bytes }),
    '',
  ];
  if (by !== 'interface') {
    const table =
      rows.length > 0
        ? renderNetTable(rows, by, options.width, { bytes: options.bytes })
        : [`no ${by === 'connection' ? 'connection' : by} moved any bytes`];
    for (const line of table) lines.push(line);
    const total = rows.reduce((sum, r) => sum + r.totalIn + r.totalOut, 0);
    const plural = { connection: 'connections', process: 'processes', remote: 'remote hosts' }[by];
    lines.push('', `${rows.length} ${plural}, ${formatBytes(total)} in total`);
  }
  for (const note of snapshot.notes) lines.push(`note: ${terminalText(note)}`);
  return lines;
}
