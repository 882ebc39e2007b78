/**
 * The state of a `hog net` run: flows (FlowTracker), interface counters and their rates, link
 * speeds. It takes ticks from the sampler and hands out plain snapshots, which every renderer (live
 * view, text report, JSON stream) and the doctor read. Pure: no I/O but the link info reader passed in.
 */

import type { SocketProcess } from '../proc/socketOwners.js';
import type { Endpoint } from './address.js';
import type { FlowTracker, RetiredFlow } from './flowTracker.js';
import type { LinkInfo } from './link.js';
import { CounterHistory, type WindowRates } from './rateWindow.js';
import type { NetTick } from './sampler.js';
import { type TcpHealth, tcpHealth } from './tcpHealth.js';

export type CountingMode = 'sockets' | 'capture';

/** What each mode counts, said the same way in the report, the JSON and the docs. */
export const COUNTS: Record<CountingMode, string> = {
  sockets:
    "TCP payload bytes from the kernel's per-socket counters (tcp_info bytes_sent/bytes_received); UDP is in the interface totals only",
  capture:
    'IP packet bytes (IP + transport headers + payload, no link-layer header) of every protocol, from libpcap',
};

/** Interface totals: /proc/net/dev, i.e. what the driver counted (link-layer frames). */
export const INTERFACE_COUNTS = 'link-layer frame bytes as the driver counts them (/proc/net/dev)';

/** Window over which TCP health (limit, retransmits) is judged. */
export const HEALTH_WINDOW_SECONDS = 10;

/**
 * The hog shape class a connection's packets go to in one direction (filled in by `hog net` from the
 * rules hog shape recorded, through shape/classify.ts; the net layer only carries it).
 */
export interface ConnectionShaping {
  dev: string;
  direction: 'egress' | 'ingress';
  /** The rule that takes the packets; undefined: the device's default class. */
  ruleId: string | undefined;
  classId: string | undefined;
  prio?: string;
  rateBitsPerSecond?: number;
  ceilBitsPerSecond?: number;
}

export interface ConnectionRow {
  key: string;
  proto: string;
  local: Endpoint;
  remote: Endpoint;
  state: string;
  processes: SocketProcess[];
  iface: string | undefined;
  rates: WindowRates;
  totalIn: number;
  totalOut: number;
  peakIn: number;
  peakOut: number;
  sendQ: number;
  recvQ: number;
  rttMs: number | undefined;
  health: TcpHealth | undefined;
  closed: boolean;
  /** Seconds since the first sight of the flow. */
  ageSeconds: number;
  /** Its hog shape classes, out then in; absent where hog shapes nothing it uses. */
  shaping?: ConnectionShaping[];
}

export interface InterfaceRow {
  name: string;
  rates: WindowRates;
  totalIn: number;
  totalOut: number;
  speedBitsPerSecond: number | undefined;
  virtual: boolean;
  /** Busiest direction's 10 s rate against the link speed, percent (full duplex); undefined if unknown. */
  utilisationPercent: number | undefined;
  rxErrors: number;
  txErrors: number;
  rxDropped: number;
  txDropped: number;
}

export interface NetSnapshot {
  time: number;
  elapsedSeconds: number;
  mode: CountingMode;
  interfaces: InterfaceRow[];
  connections: ConnectionRow[];
  retired: readonly RetiredFlow[];
  notes: string[];
}

/** Busiest direction against the link speed (each direction of a full-duplex link has the full speed). */
export function utilisation(rates: { in: number; out: number }, speedBitsPerSecond: number | undefined) {
  if (speedBitsPerSecond === undefined) return undefined;
  return ((Math.max(rates.in, rates.out) * 8) / speedBitsPerSecond) * 100;
}

interface InterfaceState {
  history: CounterHistory;
  baseRx: number;
  baseTx: number;
  last: NetTick['interfaces'][number];
}

export class NetMonitor {
  private readonly interfaces = new Map<string, InterfaceState>();
  private readonly links = new Map<string, LinkInfo>();
  private startMs: number | undefined;
  private lastTick: NetTick | undefined;

  constructor(
    private readonly tracker: FlowTracker,
    private readonly mode: CountingMode,
    private readonly linkInfo: (name: string) => LinkInfo,
  ) {}

  update(tick: NetTick): void {
    this.startMs ??= tick.now;
    this.tracker.ingest(tick.now, tick.observations, tick.complete);
    for (const counters of tick.interfaces) {
      let state = this.interfaces.get(counters.name);
      if (!state) {
        const first = this.lastTick === undefined;
        state = {
          history: new CounterHistory(this.startMs, first ? undefined : this.lastTick?.now),
          baseRx: first ? counters.rxBytes : 0,
          baseTx: first ? counters.txBytes : 0,
          last: counters,
        };
        this.interfaces.set(counters.name, state);
        this.links.set(counters.name, this.linkInfo(counters.name));
      }
      // a counter that went back: the device was re-created; count on from zero
      if (counters.rxBytes < state.last.rxBytes || counters.txBytes < state.last.txBytes) {
        state.baseRx = counters.rxBytes - (state.last.rxBytes - state.baseRx);
        state.baseTx = counters.txBytes - (state.last.txBytes - state.baseTx);
      }
      state.last = counters;
      state.history.push(tick.now, counters.rxBytes - state.baseRx, counters.txBytes - state.baseTx);
      state.history.trim(tick.now);
    }
    const present = new Set(tick.interfaces.map((i) => i.name));
    for (const name of this.interfaces.keys()) if (!present.has(name)) this.interfaces.delete(name);
    this.lastTick = tick;
  }

  snapshot(): NetSnapshot {
    const tick = this.lastTick;
    if (!tick) throw new Error('NetMonitor.snapshot() before the first update()');
    const now = tick.now;
    const interfaces: InterfaceRow[] = [...this.interfaces.entries()].map(([name, s]) => {
      const link = this.links.get(name);
      const rates = s.history.rates(now);
      return {
        name,
        rates,
        totalIn: s.history.totalIn,
        totalOut: s.history.totalOut,
        speedBitsPerSecond: link?.speedBitsPerSecond,
        virtual: link?.virtual ?? false,
        utilisationPercent: utilisation(rates[10], link?.speedBitsPerSecond),
        rxErrors: s.last.rxErrors,
        txErrors: s.last.txErrors,
        rxDropped: s.last.rxDropped,
        txDropped: s.last.txDropped,
      };
    });
    const connections = this.tracker.list().map(
      (f): ConnectionRow => ({
        key: f.key,
        proto: f.proto,
        local: f.local,
        remote: f.remote,
        state: f.state,
        processes: f.processes,
        iface: f.iface,
        rates: f.history.rates(now),
        totalIn: f.history.totalIn,
        totalOut: f.history.totalOut,
        peakIn: f.peakIn,
        peakOut: f.peakOut,
        sendQ: f.sendQ,
        recvQ: f.recvQ,
        rttMs: f.closedMs === undefined ? f.tcp?.rttMs : undefined,
        health: tcpHealth(f.tcpPoints, HEALTH_WINDOW_SECONDS),
        closed: f.closedMs !== undefined,
        ageSeconds: (now - f.firstSeenMs) / 1000,
      }),
    );
    return {
      time: tick.time,
      elapsedSeconds: (now - (this.startMs ?? now)) / 1000,
      mode: this.mode,
      interfaces,
      connections,
      retired: this.tracker.retired(),
      notes: tick.notes,
    };
  }
}
