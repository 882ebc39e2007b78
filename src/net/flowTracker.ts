/**
 * Per-connection accounting across ticks. Each tick brings observations: a flow (proto, local,
 * remote) with the cumulative byte counters of its source — the socket's own tcp_info counters in
 * the default mode, the capture's per-flow sums with --capture — plus its process and TCP state.
 * The tracker turns them into totals since hog started, rates over 2/10/40 s and the peak, and keeps
 * closed flows until their 40 s average falls to zero (as iftop does) so short transfers are seen.
 *
 * Totals count from the first sample for flows that were already open then; a flow that appears
 * later counts from its birth. A counter that goes backwards means the 4-tuple was reused by a new
 * socket: the old one's bytes are kept and the new one counts from zero.
 */

import type { SocketProcess } from '../proc/socketOwners.js';
import { type Endpoint, formatEndpoint } from './address.js';
import { CounterHistory, type WindowRates } from './rateWindow.js';
import type { TcpInfo } from './tcpInfo.js';

export type FlowProto = 'tcp' | 'udp' | 'icmp' | 'other';

export interface FlowObservation {
  proto: FlowProto;
  local: Endpoint;
  remote: Endpoint;
  /** Cumulative counters of the source for this flow (its own origin: socket creation, capture start). */
  rxBytes: number;
  txBytes: number;
  state?: string;
  processes?: SocketProcess[];
  tcp?: TcpInfo;
  sendQ?: number;
  recvQ?: number;
  /** The interface the flow uses, when the source knows it (capture). */
  iface?: string;
  /** The flow ended with these final counters (a destroyed socket). */
  closed?: boolean;
}

/** The part of tcp_info kept per tick, to tell what limited a connection over a window. */
export interface TcpPoint {
  t: number;
  busyMs: number;
  rwndLimitedMs: number;
  sndbufLimitedMs: number;
  dataSegsOut: number;
  totalRetrans: number;
}

export interface Flow {
  key: string;
  proto: FlowProto;
  local: Endpoint;
  remote: Endpoint;
  state: string;
  processes: SocketProcess[];
  iface: string | undefined;
  tcp: TcpInfo | undefined;
  sendQ: number;
  recvQ: number;
  history: CounterHistory;
  tcpPoints: TcpPoint[];
  firstSeenMs: number;
  lastSeenMs: number;
  /** When its totals last grew. */
  lastActiveMs: number;
  closedMs: number | undefined;
  /** Highest 2 s average seen, in and out (bytes/s). */
  peakIn: number;
  peakOut: number;
  /** Raw counters of the current socket and the totals they started from. */
  rawRx: number;
  rawTx: number;
  baseRx: number;
  baseTx: number;
  carriedRx: number;
  carriedTx: number;
}

/** What is left of a flow after it is dropped from the table: its totals, for group totals. */
export interface RetiredFlow {
  proto: FlowProto;
  local: Endpoint;
  remote: Endpoint;
  processes: SocketProcess[];
  iface: string | undefined;
  totalIn: number;
  totalOut: number;
}

export interface TrackerOptions {
  /**
   * Flows come and go without a close (captured packets): drop a flow once it has been idle for 40 s.
   * Otherwise (a socket table) a flow is dropped 40 s after it closed.
   */
  expireIdle?: boolean;
  /** How many dropped flows to remember for group totals; the oldest are forgotten first. */
  retiredLimit?: number;
}

export function flowKey(proto: string, local: Endpoint, remote: Endpoint): string {
  return `${proto} ${formatEndpoint(local)} ${formatEndpoint(remote)}`;
}

const LONGEST_WINDOW_MS = 40_000;

export class FlowTracker {
  private readonly flows = new Map<string, Flow>();
  private startMs: number | undefined;
  private lastTickMs: number | undefined;
  private readonly retiredFlows: RetiredFlow[] = [];

  constructor(private readonly options: TrackerOptions = {}) {}

  /**
   * Take one tick's observations at time `now` (ms, monotonic).
   * @param complete the observations list every open flow of the source (a full socket table): flows
   *   missing from it have closed.
   */
  ingest(now: number, observations: readonly FlowObservation[], complete: boolean): void {
    const first = this.startMs === undefined;
    if (first) this.startMs = now;
    const seen = new Set<string>();
    for (const o of observations) {
      const key = flowKey(o.proto, o.local, o.remote);
      seen.add(key);
      let flow = this.flows.get(key);
      if (flow === undefined || (flow.closedMs !== undefined && !o.closed && o.txBytes + o.rxBytes > 0)) {
        const reused = flow;
        // a flow already open at the first sample counts from there; one born later from zero
        flow = this.create(key, o, now, first);
        if (reused) {
          flow.carriedRx = reused.history.totalIn;
          flow.carriedTx = reused.history.totalOut;
          flow.history = reused.history;
          flow.peakIn = reused.peakIn;
          flow.peakOut = reused.peakOut;
        }
        this.flows.set(key, flow);
      } else if (o.rxBytes < flow.rawRx || o.txBytes < flow.rawTx) {
        // counters went back: a new socket on the same 4-tuple
        flow.carriedRx = flow.history.totalIn;
        flow.carriedTx = flow.history.totalOut;
        flow.baseRx = 0;
        flow.baseTx = 0;
      }
      this.update(flow, o, now);
    }
    if (complete) {
      for (const flow of this.flows.values()) {
        if (!seen.has(flow.key) && flow.closedMs === undefined) {
          flow.closedMs = now;
          flow.state = 'CLOSED';
        }
      }
    }
    for (const flow of this.flows.values()) {
      const r = flow.history.rate(now, 2);
      flow.peakIn = Math.max(flow.peakIn, r.in);
      flow.peakOut = Math.max(flow.peakOut, r.out);
      flow.history.trim(now);
      while (flow.tcpPoints.length > 2 && (flow.tcpPoints[1] as TcpPoint).t <= now - LONGEST_WINDOW_MS) {
        flow.tcpPoints.shift();
      }
      // a closed flow stays while its 40 s average is above zero, as in iftop
      const over = flow.closedMs !== undefined || this.options.expireIdle === true;
      if (over && now - flow.lastActiveMs > LONGEST_WINDOW_MS) this.retire(flow);
    }
    this.lastTickMs = now;
  }

  private create(key: string, o: FlowObservation, now: number, first: boolean): Flow {
    const start = this.startMs as number;
    const born = first ? undefined : (this.lastTickMs ?? start);
    return {
      key,
      proto: o.proto,
      local: o.local,
      remote: o.remote,
      state: o.state ?? '',
      processes: [],
      iface: o.iface,
      tcp: undefined,
      sendQ: 0,
      recvQ: 0,
      history: new CounterHistory(start, born),
      tcpPoints: [],
      firstSeenMs: now,
      lastSeenMs: now,
      lastActiveMs: now,
      closedMs: undefined,
      peakIn: 0,
      peakOut: 0,
      rawRx: 0,
      rawTx: 0,
      baseRx: first ? o.rxBytes : 0,
      baseTx: first ? o.txBytes : 0,
      carriedRx: 0,
      carriedTx: 0,
    };
  }

  private update(flow: Flow, o: FlowObservation, now: number): void {
    flow.rawRx = o.rxBytes;
    flow.rawTx = o.txBytes;
    flow.lastSeenMs = now;
    if (o.state !== undefined) flow.state = o.state;
    if (o.processes && o.processes.length > 0) flow.processes = o.processes;
    if (o.iface !== undefined) flow.iface = o.iface;
    if (o.sendQ !== undefined) flow.sendQ = o.sendQ;
    if (o.recvQ !== undefined) flow.recvQ = o.recvQ;
    if (o.tcp) {
      flow.tcp = o.tcp;
      flow.tcpPoints.push({
        t: now,
        busyMs: o.tcp.busyMs,
        rwndLimitedMs: o.tcp.rwndLimitedMs,
        sndbufLimitedMs: o.tcp.sndbufLimitedMs,
        dataSegsOut: o.tcp.dataSegsOut,
        totalRetrans: o.tcp.totalRetrans,
      });
    }
    if (o.closed) {
      flow.closedMs = now;
      flow.state = 'CLOSED';
    } else {
      flow.closedMs = undefined;
    }
    const totalIn = flow.carriedRx + Math.max(0, o.rxBytes - flow.baseRx);
    const totalOut = flow.carriedTx + Math.max(0, o.txBytes - flow.baseTx);
    if (totalIn !== flow.history.totalIn || totalOut !== flow.history.totalOut) flow.lastActiveMs = now;
    flow.history.push(now, totalIn, totalOut);
  }

  private retire(flow: Flow): void {
    this.flows.delete(flow.key);
    if (flow.history.totalIn + flow.history.totalOut === 0) return;
    this.retiredFlows.push({
      proto: flow.proto,
      local: flow.local,
      remote: flow.remote,
      processes: flow.processes,
      iface: flow.iface,
      totalIn: flow.history.totalIn,
      totalOut: flow.history.totalOut,
    });
    const limit = this.options.retiredLimit ?? 10_000;
    if (this.retiredFlows.length > limit) this.retiredFlows.splice(0, this.retiredFlows.length - limit);
  }

  /** Flows dropped from the table, with their totals (for process, remote and interface totals). */
  retired(): readonly RetiredFlow[] {
    return this.retiredFlows;
  }

  /** Every flow still shown (open, or closed less than 40 s ago). */
  list(): Flow[] {
    return [...this.flows.values()];
  }

  rates(flow: Flow, now: number): WindowRates {
    return flow.history.rates(now);
  }

  get started(): number | undefined {
    return this.startMs;
  }
}
