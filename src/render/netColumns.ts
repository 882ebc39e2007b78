/**
 * The columns of `hog net` for each grouping, with what each means (for --explain) and a priority:
 * on a narrow terminal the least important columns go first, so 80 columns still show who moves how
 * much, and a wide one (or a pipe) shows everything.
 */

import type { GroupBy, NetRow } from '../net/netView.js';
import type { WindowSeconds } from '../net/rateWindow.js';
import { LIMIT_MEANING } from '../net/tcpHealth.js';
import { cellWidth, renderTable, type TableColumn } from './table.js';
import { formatBytesShort, formatPercent, formatRate } from './units.js';

export interface NetColumn extends TableColumn<NetRow> {
  id: string;
  /** 1 is kept longest; columns with higher numbers are dropped first when the width is short. */
  priority: number;
  meaning: string;
  source: string;
  /** A shorter form that takes the column's place when the column is dropped for width. */
  narrow?: NetColumn;
}

export interface NetColumnOptions {
  bytes?: boolean;
}

function rateColumn(
  dir: 'in' | 'out',
  window: WindowSeconds,
  priority: number,
  o: NetColumnOptions,
): NetColumn {
  return {
    id: `${dir}${window}`,
    header: `${dir.toUpperCase()} ${window}s`,
    align: 'right',
    minWidth: 9,
    priority,
    text: (r) => formatRate(r.rates[window][dir], o),
    meaning: `average rate ${dir === 'in' ? 'received' : 'sent'} over the last ${window} seconds (iftop's ${window} s column)`,
    source: 'change of the byte counters over the window',
  };
}

/** Who holds the socket: PID and PROCESS (with --by process, the row's own name when comm is gone). */
function ownerColumns(by: GroupBy): NetColumn[] {
  return [
    {
      id: 'pid',
      header: 'PID',
      align: 'right',
      priority: 2,
      text: (r) => (r.pid === undefined ? '-' : String(r.pid)),
      meaning: 'process holding the socket (the lowest PID when several share it)',
      source: "the socket's inode in /proc/PID/fd, as ss -p finds it (root for other users' processes)",
    },
    {
      id: 'command',
      header: 'PROCESS',
      align: 'left',
      priority: 1,
      minWidth: 7,
      text: (r) => r.command ?? (by === 'process' ? r.label : '-'),
      meaning: 'name of that process',
      source: '/proc/PID/comm',
    },
  ];
}

/** What a connection is: protocol, both ends, TCP state. */
function endpointColumns(): NetColumn[] {
  return [
    {
      id: 'proto',
      header: 'PROTO',
      align: 'left',
      priority: 9,
      text: (r) => r.proto ?? '',
      meaning: 'transport protocol',
      source: 'socket table or packet header',
    },
    {
      id: 'local',
      header: 'LOCAL',
      align: 'left',
      priority: 6,
      text: (r) => r.local ?? '',
      meaning: 'local address and port (only ":port" on a narrow terminal)',
      source: 'socket table or packet header',
      // two connections of one process to one remote differ only there: keep it at 80 columns
      narrow: {
        id: 'localPort',
        header: 'LOCAL',
        align: 'left',
        priority: 2,
        text: (r) => (r.local ? r.local.slice(r.local.lastIndexOf(':')) : ''),
        meaning: 'local port',
        source: 'socket table or packet header',
      },
    },
    {
      id: 'remote',
      header: 'REMOTE',
      align: 'left',
      priority: 1,
      text: (r) => r.remote ?? '',
      meaning: 'remote address and port',
      source: 'socket table or packet header',
    },
    {
      id: 'state',
      header: 'STATE',
      align: 'left',
      priority: 8,
      text: (r) => r.state || '-',
      meaning: 'TCP state as ss names it; CLOSED once the socket is gone (kept 40 s, as iftop does)',
      source: 'ss',
    },
  ];
}

function remoteHostColumn(): NetColumn {
  return {
    id: 'remote',
    header: 'REMOTE HOST',
    align: 'left',
    priority: 1,
    text: (r) => r.label,
    meaning: 'remote address (no name lookup: hog sends no DNS queries)',
    source: 'socket table or packet header',
  };
}

/** An interface and its link: name, speed, how busy it is against that speed. */
function interfaceColumns(): NetColumn[] {
  return [
    {
      id: 'iface',
      header: 'IFACE',
      align: 'left',
      priority: 1,
      text: (r) => r.label,
      meaning: 'network interface',
      source: '/proc/net/dev',
    },
    {
      id: 'speed',
      header: 'SPEED',
      align: 'right',
      priority: 3,
      text: (r) =>
        r.speedBitsPerSecond === undefined
          ? r.virtual
            ? 'virtual'
            : '?'
          : formatRate(r.speedBitsPerSecond / 8),
      meaning:
        'link speed where it is a limit (a NIC, a bond); virtual for software devices (veth and tun/tap report a nominal 10 Gb/s), ? when unknown',
      source: '/sys/class/net/IF/speed',
    },
    {
      id: 'util',
      header: 'UTIL',
      align: 'right',
      priority: 2,
      text: (r) => (r.utilisationPercent === undefined ? '-' : formatPercent(r.utilisationPercent)),
      meaning:
        'busiest direction over 10 s against the link speed (each direction of a full-duplex link has the whole speed)',
      source: '/proc/net/dev and /sys/class/net/IF/speed',
    },
  ];
}

function connectionCountColumn(): NetColumn {
  return {
    id: 'conns',
    header: 'CONNS',
    align: 'right',
    priority: 3,
    text: (r) => String(r.connections),
    meaning: 'connections counted in the row (with traffic in the last 40 s, or open with -a)',
    source: 'socket table or capture',
  };
}

/** How much moves: the three rate windows (IN and OUT of a window share a priority), total, peak. */
function trafficColumns(o: NetColumnOptions): NetColumn[] {
  return [
    rateColumn('in', 2, 1, o),
    rateColumn('out', 2, 1, o),
    rateColumn('in', 10, 4, o),
    rateColumn('out', 10, 4, o),
    rateColumn('in', 40, 5, o),
    rateColumn('out', 40, 5, o),
    {
      id: 'total',
      header: 'TOTAL',
      align: 'right',
      priority: 3,
      text: (r) => formatBytesShort(r.totalIn + r.totalOut),
      meaning: 'bytes in + out since hog started (closed connections included)',
      source: 'byte counters',
    },
    {
      id: 'peak',
      header: 'PEAK',
      align: 'right',
      priority: 6,
      minWidth: 9,
      text: (r) => formatRate(r.peakIn + r.peakOut, o),
      meaning: 'highest 2 s average (in + out) since hog started',
      source: 'byte counters',
    },
  ];
}

function rttColumn(by: GroupBy): NetColumn {
  return {
    id: 'rtt',
    header: 'RTT',
    align: 'right',
    priority: 5,
    text: (r) =>
      r.rttMs === undefined ? '-' : `${r.rttMs < 10 ? r.rttMs.toFixed(2) : r.rttMs.toFixed(0)}ms`,
    meaning:
      by === 'connection'
        ? 'smoothed round-trip time'
        : 'the largest smoothed round-trip time among its connections',
    source: 'tcp_info tcpi_rtt (ss -i rtt:)',
  };
}

/** How a connection's sending goes: retransmissions, what holds it back, its shape class, its queue. */
function sendingColumns(): NetColumn[] {
  return [
    {
      id: 'retrans',
      header: 'RETR%',
      align: 'right',
      priority: 6,
      text: (r) => (r.health?.retransPercent === undefined ? '-' : formatPercent(r.health.retransPercent)),
      meaning: 'segments retransmitted over the last 10 s, percent of data segments sent',
      source: 'tcp_info tcpi_total_retrans / tcpi_data_segs_out',
    },
    {
      id: 'limit',
      header: 'LIMIT',
      align: 'left',
      priority: 5,
      text: (r) => (r.health === undefined || r.health.limit === 'idle' ? '-' : r.health.limit),
      meaning: `what held the sender back over the last 10 s: ${Object.entries(LIMIT_MEANING)
        .filter(([k]) => k !== 'idle')
        .map(([k, v]) => `${k} = ${v}`)
        .join('; ')}`,
      source: 'tcp_info busy_time, rwnd_limited, sndbuf_limited (Linux 4.10+)',
    },
    {
      id: 'class',
      header: 'CLASS',
      align: 'left',
      priority: 7,
      text: (r) => shapingLabel(r.shaping),
      meaning:
        'the hog shape class its packets go to: the priority or cap of the rule that takes them, default for the unclassified, "out ..., in ..." when both directions are shaped, - where hog shapes nothing it uses (shown once hog shape has rules)',
      source:
        "hog shape's recorded rules matched against the connection's ports and remote address, as its tc filters match them",
    },
    {
      id: 'sendq',
      header: 'SEND-Q',
      align: 'right',
      priority: 8,
      text: (r) => formatBytesShort(r.sendQ ?? 0),
      meaning: 'bytes written but not yet acknowledged by the peer',
      source: 'ss Send-Q',
    },
  ];
}

/** The groups a grouping shows, in their order on screen. */
function columns(by: GroupBy, o: NetColumnOptions): NetColumn[] {
  return [
    ...(by === 'connection' || by === 'process' ? ownerColumns(by) : []),
    ...(by === 'connection' ? endpointColumns() : []),
    ...(by === 'remote' ? [remoteHostColumn()] : []),
    ...(by === 'interface' ? interfaceColumns() : []),
    ...(by !== 'connection' ? [connectionCountColumn()] : []),
    ...trafficColumns(o),
    ...(by !== 'interface' ? [rttColumn(by)] : []),
    ...(by === 'connection' ? sendingColumns() : []),
  ];
}

/** "low", "cap 10.0 Mb/s", "default"; "out low, in default" when both directions are shaped. */
export function shapingLabel(shaping: NetRow['shaping']): string {
  if (!shaping || shaping.length === 0) return '-';
  const one = (s: NonNullable<NetRow['shaping']>[number]) => {
    if (s.ruleId === undefined) return 'default';
    if (s.prio !== undefined) return s.prio;
    if (s.rateBitsPerSecond === undefined) return s.ruleId;
    const rate = formatRate(s.rateBitsPerSecond / 8);
    const ceil = s.ceilBitsPerSecond;
    return ceil === undefined || ceil === s.rateBitsPerSecond
      ? `cap ${rate}`
      : `${rate} ceil ${formatRate(ceil / 8)}`;
  };
  if (shaping.length === 1) return one(shaping[0] as NonNullable<NetRow['shaping']>[number]);
  return shaping.map((s) => `${s.direction === 'egress' ? 'out' : 'in'} ${one(s)}`).join(', ');
}

/** Every column of a grouping, for --explain. */
export function netColumns(by: GroupBy, o: NetColumnOptions = {}): NetColumn[] {
  return columns(by, o);
}

/** The table, with as many columns as fit in `width` (all of them when width is undefined). */
export function renderNetTable(
  rows: readonly NetRow[],
  by: GroupBy,
  width: number | undefined,
  o: NetColumnOptions = {},
): string[] {
  // the class column only once hog shape classifies something: elsewhere it would be all dashes
  const shaped = rows.some((r) => r.shaping !== undefined);
  const all = columns(by, o).filter((c) => c.id !== 'class' || shaped);
  if (width === undefined) return renderTable(all, rows, { width });
  const measured = new Map<NetColumn, number>();
  const widthOf = (c: NetColumn): number => {
    let w = measured.get(c);
    if (w === undefined) {
      w = rows.reduce(
        (m, r) => Math.max(m, cellWidth(c.text(r))),
        Math.max(c.minWidth ?? 0, cellWidth(c.header)),
      );
      measured.set(c, w);
    }
    return w;
  };
  // one slot per column, in order: a dropped column leaves its narrow form, or nothing
  const slots: (NetColumn | undefined)[] = all.slice();
  const total = () => slots.reduce((sum, c) => sum + (c ? widthOf(c) + 1 : 0), -1);
  // drop the least important columns a priority at a time (IN and OUT of a window go together)
  const priorities = [
    ...new Set(all.flatMap((c) => (c.narrow ? [c.priority, c.narrow.priority] : [c.priority]))),
  ].sort((a, b) => b - a);
  for (const priority of priorities) {
    if (total() <= width || priority <= 1) break;
    slots.forEach((c, i) => {
      if (c?.priority === priority) slots[i] = c.narrow;
    });
  }
  const chosen = slots.filter((c): c is NetColumn => c !== undefined);
  return renderTable(chosen, rows, { width });
}
