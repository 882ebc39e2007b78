/**
 * /proc/net/{tcp,tcp6,udp,udp6}: the kernel's socket tables (net/ipv4/tcp_ipv4.c get_tcp4_sock,
 * net/ipv4/udp.c udp4_format_sock). They have queues, owner and inode but no byte counters; hog uses
 * them where ss is not installed and for the send-queue doctor check, which must stay cheap.
 */
import { parseProcHexAddress } from './ipAddress.js';
import { isVanished, readProcText } from './procFile.js';

/** The transport protocols hog reads sockets of. */
export type Protocol = 'tcp' | 'udp';

export interface ProcSocket {
  proto: Protocol;
  family: 4 | 6;
  local: { address: string; port: number };
  remote: { address: string; port: number };
  /** ss's state names, from the kernel's TCP state numbers (include/net/tcp_states.h). */
  state: string;
  /** tx_queue: bytes in the send queue (TCP: written but not yet acknowledged); rx_queue: unread. */
  txQueue: number;
  rxQueue: number;
  uid: number;
  inode: number;
  /** UDP only: datagrams dropped because the receive buffer was full. */
  drops?: number;
}

export const TCP_STATES: Record<number, string> = {
  1: 'ESTAB',
  2: 'SYN-SENT',
  3: 'SYN-RECV',
  4: 'FIN-WAIT-1',
  5: 'FIN-WAIT-2',
  6: 'TIME-WAIT',
  7: 'UNCONN',
  8: 'CLOSE-WAIT',
  9: 'LAST-ACK',
  10: 'LISTEN',
  11: 'CLOSING',
  12: 'NEW-SYN-RECV',
};

function endpoint(text: string): { address: string; port: number } | undefined {
  const [hex, portHex] = text.split(':');
  const address = parseProcHexAddress(hex ?? '');
  if (address === undefined || !/^[0-9A-Fa-f]{4}$/.test(portHex ?? '')) return undefined;
  const wildcard = address === '0.0.0.0' || address === '::';
  return { address: wildcard ? '*' : address, port: Number.parseInt(portHex as string, 16) };
}

/** Parse one of the four tables; malformed lines are skipped. */
export function parseProcNetSockets(text: string, proto: Protocol): ProcSocket[] {
  const sockets: ProcSocket[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (!/^\d+:$/.test(f[0] ?? '') || f.length < 10) continue;
    const local = endpoint(f[1] as string);
    const remote = endpoint(f[2] as string);
    const [tx, rx] = (f[4] ?? '').split(':');
    const stateNumber = Number.parseInt(f[3] ?? '', 16);
    if (!local || !remote || tx === undefined || rx === undefined || !Number.isFinite(stateNumber)) continue;
    const socket: ProcSocket = {
      proto,
      family: (f[1] as string).length > 13 ? 6 : 4,
      local,
      remote,
      // a UDP socket in "ESTABLISHED" was connect()ed; any other is unconnected
      state:
        proto === 'udp' ? (stateNumber === 1 ? 'ESTAB' : 'UNCONN') : (TCP_STATES[stateNumber] ?? 'UNKNOWN'),
      txQueue: Number.parseInt(tx, 16),
      rxQueue: Number.parseInt(rx, 16),
      uid: Number(f[7]),
      inode: Number(f[9]),
    };
    if (proto === 'udp' && f[12] !== undefined) socket.drops = Number(f[12]);
    sockets.push(socket);
  }
  return sockets;
}

/** Both families of one protocol; a missing table (IPv6 disabled) is an empty list. */
export function readProcNetSockets(proto: Protocol, procRoot = '/proc'): ProcSocket[] {
  const sockets: ProcSocket[] = [];
  for (const file of [proto, `${proto}6`]) {
    try {
      for (const s of parseProcNetSockets(readProcText(`${procRoot}/net/${file}`), proto)) sockets.push(s);
    } catch (error) {
      if (!isVanished(error)) throw error;
    }
  }
  return sockets;
}
