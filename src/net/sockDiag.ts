/**
 * Socket statistics read in-process through hog's optional sock_diag addon (native/sockdiag): the same
 * kernel interface and numbers as ss, without starting a process each tick — on a small VM a process
 * start costs more CPU than everything else hog net does in a second. Without the addon (no C compiler
 * when hog was built) hog net falls back to running ss.
 */
import { loadAddon } from '../addon.js';
import { addressFromBytes, addressToBytes } from '../proc/ipAddress.js';
import type { Protocol } from '../proc/netSockets.js';
import { TCP_STATES } from '../proc/netSockets.js';
import type { Endpoint } from './address.js';
import type { SocketRecord } from './ssParse.js';
import type { TcpInfo } from './tcpInfo.js';

/**
 * tcp_info as the addon reports it (native/sockdiag): TcpInfo's counters under the same names, always
 * present, and its times in µs as the kernel keeps them (toTcpInfo makes them ms).
 */
type RawInfo = Pick<
  TcpInfo,
  | 'bytesSent'
  | 'bytesAcked'
  | 'bytesReceived'
  | 'bytesRetrans'
  | 'dataSegsOut'
  | 'dataSegsIn'
  | 'totalRetrans'
  | 'appLimited'
> &
  Required<
    Pick<
      TcpInfo,
      'cwnd' | 'mss' | 'unacked' | 'notsentBytes' | 'deliveryRate' | 'lastSendMs' | 'lastReceiveMs'
    >
  > & {
    rttUs: number;
    rttVarUs: number;
    minRttUs: number;
    busyUs: number;
    rwndLimitedUs: number;
    sndbufLimitedUs: number;
  };

export interface RawDiagSocket {
  family: 4 | 6;
  state: number;
  src: Buffer;
  sport: number;
  dst: Buffer;
  dport: number;
  inode: number;
  uid: number;
  rqueue: number;
  wqueue: number;
  cong?: string;
  info?: RawInfo;
}

interface SockDiagAddon {
  dump(family: 4 | 6, protocol: 6 | 17, states: number): RawDiagSocket[];
  lookup(family: 4 | 6, src: Buffer, sport: number, dst: Buffer, dport: number): RawDiagSocket | undefined;
}

/** TCP states (include/net/tcp_states.h) as a bit mask: all but LISTEN, TIME_WAIT and NEW_SYN_RECV. */
export const CONNECTED_TCP_STATES = 0xffff & ~((1 << 10) | (1 << 6) | (1 << 12));

/** The addon, or undefined when it was not built (then hog runs ss). HOG_SOCKDIAG_ADDON=none disables it. */
export function loadSockDiag(): SockDiagAddon | undefined {
  return loadAddon<SockDiagAddon>('hog_sockdiag.node', 'HOG_SOCKDIAG_ADDON').addon;
}

/** tcp_info as the addon reports it (times in µs) -> hog's TcpInfo (ms), the same as parsed from ss. */
export function toTcpInfo(raw: RawInfo, congestion?: string): TcpInfo {
  const info: TcpInfo = {
    bytesSent: raw.bytesSent || raw.bytesAcked,
    bytesAcked: raw.bytesAcked,
    bytesReceived: raw.bytesReceived,
    bytesRetrans: raw.bytesRetrans,
    dataSegsOut: raw.dataSegsOut,
    dataSegsIn: raw.dataSegsIn,
    totalRetrans: raw.totalRetrans,
    busyMs: raw.busyUs / 1000,
    rwndLimitedMs: raw.rwndLimitedUs / 1000,
    sndbufLimitedMs: raw.sndbufLimitedUs / 1000,
    appLimited: raw.appLimited,
    cwnd: raw.cwnd,
    mss: raw.mss,
    unacked: raw.unacked,
    notsentBytes: raw.notsentBytes,
    deliveryRate: raw.deliveryRate,
    lastSendMs: raw.lastSendMs,
    lastReceiveMs: raw.lastReceiveMs,
  };
  if (raw.rttUs > 0) {
    info.rttMs = raw.rttUs / 1000;
    info.rttVarMs = raw.rttVarUs / 1000;
  }
  if (raw.minRttUs > 0 && raw.minRttUs < 0xffffffff) info.minRttMs = raw.minRttUs / 1000;
  if (congestion) info.congestion = congestion;
  return info;
}

/** One raw socket as a SocketRecord (processes are filled in later, from the inode). */
export function toSocketRecord(raw: RawDiagSocket, proto: Protocol): SocketRecord {
  const endpoint = (bytes: Buffer, port: number) => {
    const address = addressFromBytes(bytes);
    return { address: address === '0.0.0.0' || address === '::' ? '*' : address, port };
  };
  const record: SocketRecord = {
    proto,
    state:
      proto === 'udp' ? (raw.state === 1 ? 'ESTAB' : 'UNCONN') : (TCP_STATES[raw.state] ?? String(raw.state)),
    recvQ: raw.rqueue,
    sendQ: raw.wqueue,
    local: endpoint(raw.src, raw.sport),
    remote: endpoint(raw.dst, raw.dport),
    processes: [],
    inode: raw.inode,
  };
  if (raw.info && proto === 'tcp') record.tcp = toTcpInfo(raw.info, raw.cong);
  return record;
}

/** Every socket of a protocol, both families, in hog's network namespace. */
export function dumpSockets(addon: SockDiagAddon, proto: Protocol, states: number): SocketRecord[] {
  const number = proto === 'tcp' ? 6 : 17;
  return [...addon.dump(4, number, states), ...addon.dump(6, number, states)].map((raw) =>
    toSocketRecord(raw, proto),
  );
}

/**
 * The TCP socket of one connection, by exact lookup (a hash probe, where a dump walks the kernel's
 * whole established table). An IPv4 connection may belong to a dual-stack IPv6 socket: tried as
 * IPv4-mapped too.
 */
export function lookupTcpSocket(
  addon: SockDiagAddon,
  local: Endpoint,
  remote: Endpoint,
): SocketRecord | undefined {
  const src = addressToBytes(local.address);
  const dst = addressToBytes(remote.address);
  if (!src || !dst || src.length !== dst.length) return undefined;
  let raw = addon.lookup(src.length === 4 ? 4 : 6, src, local.port, dst, remote.port);
  if (!raw && src.length === 4) {
    const mapped = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]), b]);
    raw = addon.lookup(6, mapped(src), local.port, mapped(dst), remote.port);
  }
  return raw ? toSocketRecord(raw, 'tcp') : undefined;
}
