/**
 * The JSON form of a `hog net` tick (one object per line with --json): the same rows as the table,
 * numbers in bytes and bytes per second, windows keyed "2s", "10s", "40s".
 */
import { COUNTS, INTERFACE_COUNTS, type NetSnapshot } from './monitor.js';
import type { GroupBy, NetRow } from './netView.js';
import { WINDOWS, type WindowRates } from './rateWindow.js';

export const NET_JSON_VERSION = 1;

const round = (n: number) => Math.round(n * 10) / 10;

function rates(r: WindowRates) {
  return Object.fromEntries(WINDOWS.map((w) => [`${w}s`, { in: round(r[w].in), out: round(r[w].out) }]));
}

function row(r: NetRow) {
  return {
    key: r.key,
    label: r.label,
    pid: r.pid ?? null,
    command: r.command ?? null,
    ...(r.by === 'connection'
      ? { proto: r.proto, local: r.local, remote: r.remote, state: r.state, interface: r.iface ?? null }
      : {}),
    ...(r.by === 'remote' ? { remote: r.remote } : {}),
    connections: r.connections,
    rates: rates(r.rates),
    totalIn: r.totalIn,
    totalOut: r.totalOut,
    peakIn: round(r.peakIn),
    peakOut: round(r.peakOut),
    ...(r.by !== 'interface' ? { rttMs: r.rttMs ?? null } : {}),
    ...(r.by === 'connection'
      ? {
          sendQueue: r.sendQ ?? 0,
          retransPercent:
            r.health?.retransPercent === undefined ? null : round(r.health.retransPercent * 10) / 10,
          limit: r.health?.limit ?? null,
          shaping: r.shaping ?? null,
        }
      : {}),
  };
}

export function netJson(
  snapshot: NetSnapshot,
  by: GroupBy,
  rows: readonly NetRow[],
  intervalSeconds: number,
): Record<string, unknown> {
  return {
    version: NET_JSON_VERSION,
    time: new Date(snapshot.time).toISOString(),
    elapsedSeconds: round(snapshot.elapsedSeconds),
    intervalSeconds,
    mode: snapshot.mode,
    counts: COUNTS[snapshot.mode],
    interfaceCounts: INTERFACE_COUNTS,
    interfaces: snapshot.interfaces.map((i) => ({
      name: i.name,
      speedBitsPerSecond: i.speedBitsPerSecond ?? null,
      virtual: i.virtual,
      utilisationPercent: i.utilisationPercent === undefined ? null : round(i.utilisationPercent),
      rates: rates(i.rates),
      totalIn: i.totalIn,
      totalOut: i.totalOut,
      errors: { rx: i.rxErrors, tx: i.txErrors },
      dropped: { rx: i.rxDropped, tx: i.txDropped },
    })),
    by,
    rows: rows.map(row),
    notes: snapshot.notes,
  };
}
