/**
 * One tick of `hog net`: read every source once and turn what they say into flow observations.
 *   default    TCP sockets with their tcp_info byte counters (TCP payload), read in-process through
 *              the sock_diag addon (sockDiag.ts), or by running ss when the addon is not built; plus
 *              sockets destroyed since the last tick (ss -E, final counters); a complete table, so a
 *              missing socket has closed
 *   --capture  flows from libpcap (IP packet bytes, every protocol), matched to the TCP and UDP sockets
 *              (same two sources) for the process, state and TCP health
 * Interface counters come from /proc/net/dev in both modes.
 */
import { networkInterfaces } from 'node:os';
import type { Clock } from '../clock.js';
import { SocketOwners } from '../proc/socketOwners.js';
import type { Endpoint } from './address.js';
import { type CapturedFlow, type CaptureSource, localAddresses } from './capture.js';
import type { FlowObservation } from './flowTracker.js';
import { type InterfaceCounters, readNetDev } from './procNetDev.js';
import { CONNECTED_TCP_STATES, dumpSockets, loadSockDiag, lookupTcpSocket } from './sockDiag.js';
import { collectTcpSockets, collectUdpSockets, DestroyWatcher } from './ssCollector.js';
import type { SocketRecord } from './ssParse.js';

export interface NetTick {
  /** Monotonic ms, for rates; wall-clock ms, for display. */
  now: number;
  time: number;
  observations: FlowObservation[];
  /** The observations are a full socket table (default mode). */
  complete: boolean;
  interfaces: InterfaceCounters[];
  /** Things the user should know about what hog could not see this tick. */
  notes: string[];
}

export interface SamplerOptions {
  procRoot: string;
  clock: Clock;
  capture?: CaptureSource | undefined;
  /** Watch socket destruction (ss -E) so connections closing between ticks are counted. */
  watchClosed?: boolean;
}

/** The interface that holds each local address; loopback addresses go to the loopback interface. */
export function interfaceOfAddress(
  interfaces = networkInterfaces(),
): (address: string) => string | undefined {
  const byAddress = new Map<string, string>();
  let loopback: string | undefined;
  for (const [name, list] of Object.entries(interfaces)) {
    for (const a of list ?? []) {
      byAddress.set(a.address.replace(/%.*$/, ''), name);
      if (a.internal) loopback = name;
    }
  }
  return (address) =>
    byAddress.get(address) ?? (address.startsWith('127.') || address === '::1' ? loopback : undefined);
}

function fromSocket(s: SocketRecord, closed: boolean, iface: string | undefined): FlowObservation {
  const o: FlowObservation = {
    proto: s.proto,
    local: s.local,
    remote: s.remote,
    rxBytes: s.tcp?.bytesReceived ?? 0,
    txBytes: s.tcp?.bytesSent ?? 0,
    state: s.state,
    processes: s.processes,
    sendQ: s.sendQ,
    recvQ: s.recvQ,
  };
  if (s.tcp) o.tcp = s.tcp;
  if (iface !== undefined) o.iface = iface;
  if (closed) o.closed = true;
  return o;
}

const endpointKey = (e: Endpoint) => `${e.address} ${e.port}`;

/** Up to this many captured TCP flows are looked up one by one; above it one dump is cheaper. */
const LOOKUP_LIMIT = 200;

export class NetSampler {
  private readonly watcher: DestroyWatcher | undefined;
  private readonly diag = loadSockDiag();
  private readonly owners: SocketOwners;

  constructor(private readonly options: SamplerOptions) {
    this.owners = new SocketOwners(options.procRoot);
    if (options.watchClosed !== false && !options.capture) {
      this.watcher = new DestroyWatcher();
      this.watcher.start();
    }
  }

  /**
   * The socket tables: in-process through the sock_diag addon when built, else by running ss. With a
   * capture, only the TCP sockets of captured flows are wanted: looked up one by one (cheap) unless
   * there are many.
   */
  private async sockets(captured?: CapturedFlow[]): Promise<{ tcp: SocketRecord[]; udp: SocketRecord[] }> {
    const { capture, clock } = this.options;
    if (this.diag) {
      const diag = this.diag;
      const tcpFlows = captured?.filter((f) => f.proto === 'tcp');
      const tcp =
        tcpFlows && tcpFlows.length <= LOOKUP_LIMIT
          ? tcpFlows
              .map((f) => lookupTcpSocket(diag, f.local, f.remote))
              .filter((s): s is SocketRecord => s !== undefined)
          : dumpSockets(diag, 'tcp', CONNECTED_TCP_STATES);
      const udp = capture ? dumpSockets(diag, 'udp', 0xffff) : [];
      const all = [...tcp, ...udp].filter((s) => s.inode !== undefined && s.inode !== 0);
      this.owners.resolve(
        all.map((s) => s.inode as number),
        clock.monotonic(),
      );
      for (const s of all) s.processes = this.owners.processesOf(s.inode);
      return { tcp, udp };
    }
    const [tcp, udp] = await Promise.all([
      collectTcpSockets(),
      capture ? collectUdpSockets() : Promise.resolve([] as SocketRecord[]),
    ]);
    return { tcp, udp };
  }

  async sample(): Promise<NetTick> {
    const { clock, capture } = this.options;
    const interfaceList = networkInterfaces(); // one getifaddrs() a tick, for both uses below
    const captured = capture?.take(clock.monotonic(), localAddresses(interfaceList));
    const { tcp, udp } = await this.sockets(captured);
    const now = clock.monotonic();
    const interfaces = readNetDev(this.options.procRoot);
    const ifaceOf = interfaceOfAddress(interfaceList);
    const notes: string[] = [];
    let observations: FlowObservation[];
    if (capture) {
      observations = this.matchCaptured(capture, captured ?? [], tcp, udp);
      const stats = capture.stats();
      if (stats.dropped > 0) notes.push(`capture dropped ${stats.dropped} of ${stats.received} packets`);
      if (stats.failure) notes.push(`capture stopped: ${stats.failure}`);
    } else {
      // listeners and TIME-WAIT sockets carry no counters
      observations = tcp
        .filter((s) => s.tcp && s.remote.port !== 0)
        .map((s) => fromSocket(s, false, ifaceOf(s.local.address)));
      for (const s of this.watcher?.take() ?? [])
        observations.push(fromSocket(s, true, ifaceOf(s.local.address)));
      if (this.watcher?.failure) notes.push(this.watcher.failure);
    }
    if (process.getuid?.() !== 0 && tcp.some((s) => s.processes.length === 0 && s.tcp)) {
      notes.push("other users' processes are not shown: run as root to see them");
    }
    return { now, time: clock.now(), observations, complete: !capture, interfaces, notes };
  }

  /** Captured flows, with process, state and TCP info from the socket tables where a socket matches. */
  private matchCaptured(
    capture: CaptureSource,
    captured: CapturedFlow[],
    tcp: SocketRecord[],
    udp: SocketRecord[],
  ) {
    const tcpByPair = new Map(tcp.map((s) => [`${endpointKey(s.local)} ${endpointKey(s.remote)}`, s]));
    const udpConnected = new Map<string, SocketRecord>();
    const udpBound = new Map<string, SocketRecord>();
    for (const s of udp) {
      if (s.remote.port !== 0) udpConnected.set(`${endpointKey(s.local)} ${endpointKey(s.remote)}`, s);
      else udpBound.set(endpointKey(s.local), s);
    }
    return captured.map((f): FlowObservation => {
      const pair = `${endpointKey(f.local)} ${endpointKey(f.remote)}`;
      const socket =
        f.proto === 'tcp'
          ? tcpByPair.get(pair)
          : f.proto === 'udp'
            ? (udpConnected.get(pair) ??
              udpBound.get(endpointKey(f.local)) ??
              udpBound.get(`* ${f.local.port}`))
            : undefined;
      const o: FlowObservation = {
        proto: f.proto,
        local: f.local,
        remote: f.remote,
        rxBytes: f.rxBytes,
        txBytes: f.txBytes,
        iface: capture.iface,
        state: socket?.state ?? (f.proto === 'tcp' ? 'CLOSED' : ''),
        processes: socket?.processes ?? [],
      };
      if (socket?.tcp) o.tcp = socket.tcp;
      if (socket) {
        o.sendQ = socket.sendQ;
        o.recvQ = socket.recvQ;
      }
      return o;
    });
  }

  close(): void {
    this.watcher?.stop();
    this.options.capture?.close();
  }
}
