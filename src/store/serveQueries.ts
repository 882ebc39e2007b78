/**
 * Reading `hog serve`'s history back: the latest state of each resource and the samples behind
 * verdicts and fill rates. "Latest" is the newest tick that recorded the thing (its last_t), found
 * through an index, never by scanning samples.
 */
import type Database from 'better-sqlite3';
import { seriesPoints } from './serveSeries.js';
import type {
  ConnectionSample,
  FindingRow,
  HostSample,
  InterfaceSample,
  MountSample,
  ProcessSampleRow,
} from './serveTick.js';

export interface RecordedProcess extends ProcessSampleRow {
  id: number;
  firstT: number;
  lastT: number;
  /** The stored verdict (JSON-decoded), if one was judged. */
  verdict: unknown;
}

export interface RecordedMount extends MountSample {
  id: number;
  t: number;
}

export interface RecordedInterface extends InterfaceSample {
  id: number;
  t: number;
}

interface ProcessRowDb {
  id: number;
  pid: number;
  start_ticks: number;
  name: string;
  command: string;
  is_node: number;
  first_t: number;
  last_t: number;
  verdict: string | null;
  rss: number | null;
  swap: number | null;
}

function processOf(row: ProcessRowDb): RecordedProcess {
  return {
    id: row.id,
    pid: row.pid,
    startTicks: row.start_ticks,
    name: row.name,
    command: row.command,
    isNode: row.is_node === 1,
    rssBytes: row.rss ?? 0,
    swapBytes: row.swap ?? 0,
    firstT: row.first_t,
    lastT: row.last_t,
    verdict: row.verdict ? JSON.parse(row.verdict) : undefined,
  };
}

export function latestHost(db: Database.Database): (HostSample & { t: number }) | undefined {
  const row = db.prepare('SELECT * FROM serve_host ORDER BY t DESC LIMIT 1').get() as
    | Record<string, number | null>
    | undefined;
  if (!row) return undefined;
  return {
    t: row.t as number,
    totalBytes: row.mem_total as number,
    availableBytes: row.mem_available as number,
    swapTotalBytes: row.swap_total as number,
    swapFreeBytes: row.swap_free as number,
    pressureSome10: row.psi_some10 ?? null,
    pressureFull10: row.psi_full10 ?? null,
    load: [row.load1 as number, row.load5 as number, row.load15 as number],
  };
}

/** The processes of the newest tick, by RSS descending. */
export function latestProcesses(db: Database.Database): { t: number; processes: RecordedProcess[] } {
  const t = (db.prepare('SELECT MAX(last_t) AS t FROM serve_process').get() as { t: number | null }).t;
  if (t === null) return { t: 0, processes: [] };
  const rows = db
    .prepare(
      `SELECT p.*, s.rss, s.swap FROM serve_process p
       LEFT JOIN serve_process_sample s ON s.process_id = p.id AND s.t = p.last_t
       WHERE p.last_t = ? ORDER BY s.rss DESC, p.pid`,
    )
    .all(t) as ProcessRowDb[];
  return { t, processes: rows.map(processOf) };
}

/** Every process recorded since `since` (still recorded, or gone after it): what verdicts are judged for. */
export function processesSince(db: Database.Database, since: number): RecordedProcess[] {
  const rows = db
    .prepare(
      `SELECT p.*, s.rss, s.swap FROM serve_process p
       LEFT JOIN serve_process_sample s ON s.process_id = p.id AND s.t = p.last_t
       WHERE p.last_t >= ?`,
    )
    .all(since) as ProcessRowDb[];
  return rows.map(processOf);
}

/** The newest process recorded with this PID (a PID can be reused: the latest holder). */
export function processByPid(db: Database.Database, pid: number): RecordedProcess | undefined {
  const row = db
    .prepare(
      `SELECT p.*, s.rss, s.swap FROM serve_process p
       LEFT JOIN serve_process_sample s ON s.process_id = p.id AND s.t = p.last_t
       WHERE p.pid = ? ORDER BY p.last_t DESC LIMIT 1`,
    )
    .get(pid) as ProcessRowDb | undefined;
  return row ? processOf(row) : undefined;
}

/**
 * RSS of a process from `from` to `to`, thinned to at most `maxPoints` by keeping each time bucket's
 * lowest value: the leak verdict fits the lower envelope (memory/envelope.ts), which the minima keep.
 */
export function processFloor(
  db: Database.Database,
  processId: number,
  from: number,
  to: number,
  maxPoints: number,
): { t: number; bytes: number }[] {
  return seriesPoints(db, {
    table: 'serve_process_sample',
    values: ['rss'],
    key: { column: 'process_id', id: processId },
    from,
    to,
    maxPoints,
    combine: 'MIN',
  }).map(([t, bytes]) => ({ t: t as number, bytes: bytes as number }));
}

export function latestMounts(db: Database.Database): RecordedMount[] {
  const rows = db
    .prepare(
      `SELECT m.id, m.mountpoint, m.device, m.fstype, s.* FROM serve_mount m
       JOIN serve_fs_sample s ON s.mount_id = m.id AND s.t = m.last_t
       WHERE m.last_t = (SELECT MAX(last_t) FROM serve_mount) ORDER BY m.mountpoint`,
    )
    .all() as Record<string, number | string>[];
  return rows.map((r) => ({
    id: r.id as number,
    t: r.t as number,
    mountpoint: r.mountpoint as string,
    device: r.device as string,
    fstype: r.fstype as string,
    sizeBytes: r.size as number,
    usedBytes: r.used as number,
    availBytes: r.avail as number,
    inodesTotal: r.files as number,
    inodesFree: r.files_free as number,
  }));
}

/** Used bytes of a mount point over time (every device it had), at most `maxPoints` per device. */
export function mountUsage(
  db: Database.Database,
  mountpoint: string,
  from: number,
  to: number,
  maxPoints = 2000,
): { timeMs: number; usedBytes: number }[] {
  const ids = db
    .prepare('SELECT id FROM serve_mount WHERE mountpoint = ?')
    .pluck()
    .all(mountpoint) as number[];
  const out: { timeMs: number; usedBytes: number }[] = [];
  for (const id of ids) {
    const key = { column: 'mount_id', id };
    for (const [t, used] of seriesPoints(db, {
      table: 'serve_fs_sample',
      values: ['used'],
      key,
      from,
      to,
      maxPoints,
    }))
      out.push({ timeMs: t as number, usedBytes: used as number });
  }
  return out.sort((a, b) => a.timeMs - b.timeMs);
}

export function latestInterfaces(db: Database.Database): RecordedInterface[] {
  const rows = db
    .prepare(
      `SELECT i.id, i.name, i.speed, s.* FROM serve_interface i
       JOIN serve_net_sample s ON s.interface_id = i.id AND s.t = i.last_t
       WHERE i.last_t = (SELECT MAX(last_t) FROM serve_interface) ORDER BY i.name`,
    )
    .all() as Record<string, number | string | null>[];
  return rows.map((r) => ({
    id: r.id as number,
    t: r.t as number,
    name: r.name as string,
    speedBytesPerSecond: (r.speed as number | null) ?? null,
    rxBytes: r.rx_bytes as number,
    txBytes: r.tx_bytes as number,
    rxBytesPerSecond: r.rx_rate as number,
    txBytesPerSecond: r.tx_rate as number,
  }));
}

export function latestConnections(db: Database.Database): ConnectionSample[] {
  const rows = db.prepare('SELECT * FROM serve_connection ORDER BY rank').all() as Record<
    string,
    string | number | null
  >[];
  return rows.map((r) => ({
    proto: r.proto as string,
    local: r.local as string,
    remote: r.remote as string,
    state: r.state as string,
    pid: (r.pid as number | null) ?? null,
    process: r.process as string,
    rxBytesPerSecond: r.rx_rate as number,
    txBytesPerSecond: r.tx_rate as number,
  }));
}

export function latestFindings(db: Database.Database): { t: number; findings: FindingRow[] } {
  const rows = db.prepare('SELECT * FROM serve_finding ORDER BY rank').all() as (FindingRow & {
    t: number;
  })[];
  return {
    t: rows[0]?.t ?? 0,
    findings: rows.map(({ id, severity, title, detail, fix }) => ({ id, severity, title, detail, fix })),
  };
}
