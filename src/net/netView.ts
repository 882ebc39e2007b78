/**
 * Rows of `hog net` from a snapshot: filtered (--port, --host, --pid, --proto, the live filter),
 * grouped (--by connection|process|remote|interface) and sorted. Group rows add up their
 * connections, closed ones included, so a process's total is everything it moved since hog started.
 */
import { quote, UsageError } from '../errors.js';
import type { SocketProcess } from '../proc/socketOwners.js';
import { formatEndpoint } from './address.js';
import type { RetiredFlow } from './flowTracker.js';
import type { ConnectionRow, ConnectionShaping, NetSnapshot } from './monitor.js';
import { WINDOWS, type WindowRates, type WindowSeconds } from './rateWindow.js';
import type { TcpHealth } from './tcpHealth.js';

export const GROUPS = ['connection', 'process', 'remote', 'interface'] as const;
export type GroupBy = (typeof GROUPS)[number];
export const SORT_KEYS = ['2s', '10s', '40s', 'total', 'in', 'out', 'peak', 'name'] as const;
export type NetSortKey = (typeof SORT_KEYS)[number];

export function parseGroupBy(text: string): GroupBy {
  if ((GROUPS as readonly string[]).includes(text)) return text as GroupBy;
  throw new UsageError(`--by must be one of ${GROUPS.join(', ')}, got ${quote(text)}`, {
    hint: 'connection: one row per connection (iftop); process: per process (nethogs); remote: per host; interface: per NIC',
  });
}

export function parseNetSort(text: string): NetSortKey {
  if ((SORT_KEYS as readonly string[]).includes(text)) return text as NetSortKey;
  throw new UsageError(`--sort must be one of ${SORT_KEYS.join(', ')}, got ${quote(text)}`, {
    hint: '2s, 10s, 40s: average in+out over that window; total: bytes since start; in/out: 2 s rate one way',
  });
}

export interface NetFilter {
  ports?: number[];
  /** Addresses (already resolved) matching either end. */
  hosts?: string[];
  pids?: number[];
  protos?: string[];
  /** Live filter: a substring of the process name, an address or a port. */
  text?: string;
  /** Show connections without traffic since hog started, too. */
  all?: boolean;
}

export interface NetRow {
  by: GroupBy;
  key: string;
  /** What the row is, in words: the process, the remote host, the interface, or the connection. */
  label: string;
  pid?: number;
  command?: string;
  proto?: string;
  local?: string;
  remote?: string;
  state?: string;
  iface?: string;
  connections: number;
  rates: WindowRates;
  totalIn: number;
  totalOut: number;
  peakIn: number;
  peakOut: number;
  rttMs?: number;
  health?: TcpHealth;
  sendQ?: number;
  speedBitsPerSecond?: number;
  utilisationPercent?: number;
  virtual?: boolean;
  shaping?: ConnectionShaping[];
}

const zeroRates = (): WindowRates => ({ 2: { in: 0, out: 0 }, 10: { in: 0, out: 0 }, 40: { in: 0, out: 0 } });

function owner(processes: readonly SocketProcess[]): SocketProcess | undefined {
  return [...processes].sort((a, b) => a.pid - b.pid)[0];
}

function matches(
  c: Pick<ConnectionRow, 'proto' | 'local' | 'remote' | 'processes'>,
  filter: NetFilter,
): boolean {
  if (filter.protos && !filter.protos.includes(c.proto)) return false;
  if (filter.ports && !filter.ports.some((p) => c.local.port === p || c.remote.port === p)) return false;
  if (filter.hosts && !filter.hosts.some((h) => c.remote.address === h || c.local.address === h))
    return false;
  if (filter.pids && !c.processes.some((p) => filter.pids?.includes(p.pid))) return false;
  if (filter.text) {
    const t = filter.text.toLowerCase();
    const words = [
      formatEndpoint(c.local),
      formatEndpoint(c.remote),
      c.proto,
      ...c.processes.flatMap((p) => [p.name, String(p.pid)]),
    ];
    if (!words.some((w) => w.toLowerCase().includes(t))) return false;
  }
  return true;
}

const active = (c: ConnectionRow) => c.totalIn + c.totalOut > 0 || c.rates[40].in + c.rates[40].out > 0;

function connectionRow(c: ConnectionRow): NetRow {
  const p = owner(c.processes);
  const row: NetRow = {
    by: 'connection',
    key: c.key,
    label: `${formatEndpoint(c.local)} <=> ${formatEndpoint(c.remote)}`,
    proto: c.proto,
    local: formatEndpoint(c.local),
    remote: formatEndpoint(c.remote),
    state: c.state,
    connections: 1,
    rates: c.rates,
    totalIn: c.totalIn,
    totalOut: c.totalOut,
    peakIn: c.peakIn,
    peakOut: c.peakOut,
    sendQ: c.sendQ,
  };
  if (p) {
    row.pid = p.pid;
    row.command = p.name;
  }
  if (c.iface !== undefined) row.iface = c.iface;
  if (c.rttMs !== undefined) row.rttMs = c.rttMs;
  if (c.health) row.health = c.health;
  if (c.shaping) row.shaping = c.shaping;
  return row;
}

function groupKey(by: 'process' | 'remote', c: { processes: SocketProcess[]; remote: { address: string } }) {
  if (by === 'remote') return { key: c.remote.address, label: c.remote.address };
  const p = owner(c.processes);
  return p ? { key: String(p.pid), label: p.name, pid: p.pid } : { key: '-', label: '(no process seen)' };
}

function addRates(into: WindowRates, rates: WindowRates): void {
  for (const w of WINDOWS) {
    into[w].in += rates[w].in;
    into[w].out += rates[w].out;
  }
}

function groupConnections(
  by: 'process' | 'remote',
  connections: readonly ConnectionRow[],
  retired: readonly RetiredFlow[],
): NetRow[] {
  const groups = new Map<string, NetRow>();
  const accOf = (c: { processes: SocketProcess[]; remote: { address: string } }) => {
    const g = groupKey(by, c);
    let acc = groups.get(g.key);
    if (!acc) {
      const row: NetRow = {
        by,
        key: g.key,
        label: g.label,
        connections: 0,
        rates: zeroRates(),
        totalIn: 0,
        totalOut: 0,
        peakIn: 0,
        peakOut: 0,
        sendQ: 0,
      };
      if ('pid' in g && g.pid !== undefined) {
        row.pid = g.pid;
        row.command = g.label;
      }
      if (by === 'remote') row.remote = g.key;
      acc = row;
      groups.set(g.key, acc);
    }
    return acc;
  };
  for (const c of connections) {
    const row = accOf(c);
    row.connections++;
    addRates(row.rates, c.rates);
    row.totalIn += c.totalIn;
    row.totalOut += c.totalOut;
    row.sendQ = (row.sendQ ?? 0) + c.sendQ;
    // the slowest connection's RTT: the one a user of this process or host waits on
    if (c.rttMs !== undefined) row.rttMs = Math.max(row.rttMs ?? 0, c.rttMs);
  }
  for (const r of retired) {
    const row = accOf(r);
    row.totalIn += r.totalIn;
    row.totalOut += r.totalOut;
  }
  return [...groups.values()];
}

/** The rows for one grouping, filtered and sorted (before any scrolling or --top cut). */
export function buildRows(
  snapshot: NetSnapshot,
  by: GroupBy,
  filter: NetFilter,
  sort: NetSortKey,
  peaks?: GroupPeaks,
): NetRow[] {
  let rows: NetRow[];
  if (by === 'interface') {
    rows = snapshot.interfaces.map((i) => {
      const row: NetRow = {
        by,
        key: i.name,
        label: i.name,
        iface: i.name,
        connections: snapshot.connections.filter((c) => c.iface === i.name && !c.closed).length,
        rates: i.rates,
        totalIn: i.totalIn,
        totalOut: i.totalOut,
        peakIn: 0,
        peakOut: 0,
        virtual: i.virtual,
      };
      if (i.speedBitsPerSecond !== undefined) row.speedBitsPerSecond = i.speedBitsPerSecond;
      if (i.utilisationPercent !== undefined) row.utilisationPercent = i.utilisationPercent;
      return row;
    });
    if (filter.text) rows = rows.filter((r) => r.label.includes(filter.text as string));
  } else {
    const connections = snapshot.connections.filter((c) => matches(c, filter) && (filter.all || active(c)));
    const retired = snapshot.retired.filter((r) => matches(r, filter));
    rows = by === 'connection' ? connections.map(connectionRow) : groupConnections(by, connections, retired);
  }
  if (peaks) {
    for (const row of rows) {
      const peak = peaks.observe(by, row);
      row.peakIn = peak.in;
      row.peakOut = peak.out;
    }
  }
  return sortRows(rows, sort);
}

/** Descending by the chosen number (both directions together), ascending by name; ties by label. */
export function sortRows(rows: NetRow[], sort: NetSortKey): NetRow[] {
  const both = (r: NetRow, w: WindowSeconds) => r.rates[w].in + r.rates[w].out;
  const value: Record<Exclude<NetSortKey, 'name'>, (r: NetRow) => number> = {
    '2s': (r) => both(r, 2),
    '10s': (r) => both(r, 10),
    '40s': (r) => both(r, 40),
    total: (r) => r.totalIn + r.totalOut,
    in: (r) => r.rates[2].in,
    out: (r) => r.rates[2].out,
    peak: (r) => r.peakIn + r.peakOut,
  };
  const byLabel = (a: NetRow, b: NetRow) => (a.command ?? a.label).localeCompare(b.command ?? b.label);
  if (sort === 'name') return rows.sort((a, b) => byLabel(a, b) || a.key.localeCompare(b.key));
  const f = value[sort];
  // then by the total, so rows without traffic now keep a stable, useful order
  return rows.sort(
    (a, b) => f(b) - f(a) || b.totalIn + b.totalOut - (a.totalIn + a.totalOut) || a.key.localeCompare(b.key),
  );
}

/**
 * The highest 2 s average of each group row, remembered across ticks (a group's peak is not the sum of
 * its connections' peaks).
 */
export class GroupPeaks {
  private readonly peaks = new Map<string, { in: number; out: number }>();

  observe(by: GroupBy, row: NetRow): { in: number; out: number } {
    const key = `${by} ${row.key}`;
    const peak = this.peaks.get(key) ?? { in: 0, out: 0 };
    peak.in = Math.max(peak.in, row.rates[2].in, by === 'connection' ? row.peakIn : 0);
    peak.out = Math.max(peak.out, row.rates[2].out, by === 'connection' ? row.peakOut : 0);
    this.peaks.set(key, peak);
    return peak;
  }
}
