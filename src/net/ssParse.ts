/**
 * Parse the one-line-per-socket output of iproute2's ss (`ss -tinpOH`, `ss -uapnOH`, `ss -EtinOH`):
 *
 *   [Netid] State Recv-Q Send-Q Local:Port Peer:Port [users:(("name",pid=1,fd=3),...)] [info...]
 *
 * The Netid column is there only when several protocols are listed. Process names may hold spaces,
 * so the users:(...) field is cut out before the rest is split on whitespace. Lines that do not parse
 * are skipped, not fatal: one odd socket must not hide the others.
 */
import type { Protocol } from '../proc/netSockets.js';
import type { SocketProcess } from '../proc/socketOwners.js';
import { type Endpoint, parseSsEndpoint } from './address.js';
import { parseTcpInfo, type TcpInfo } from './tcpInfo.js';

export interface SocketRecord {
  proto: Protocol;
  /** ss state names: ESTAB, SYN-SENT, FIN-WAIT-1, CLOSE-WAIT, TIME-WAIT, LISTEN, UNCONN... */
  state: string;
  /** Bytes queued: received but not yet read by the process; sent but not yet acknowledged (+ unsent). */
  recvQ: number;
  sendQ: number;
  local: Endpoint;
  remote: Endpoint;
  /** Processes holding the socket (several after a fork); empty when ss could not see them. */
  processes: SocketProcess[];
  tcp?: TcpInfo;
  /** The socket's inode (sock_diag, or ss -e), to find the processes holding it. */
  inode?: number;
}

const NETIDS = new Set([
  'tcp',
  'udp',
  'raw',
  'u_str',
  'u_dgr',
  'u_seq',
  'nl',
  'p_raw',
  'p_dgr',
  'mptcp',
  'sctp',
]);
const USERS = /users:\(((?:\("(?:[^"\\]|\\.)*",pid=\d+,fd=\d+\),?)*)\)/;
const USER = /\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=(\d+)\)/g;

/** The processes in a users:((...)) field. */
export function parseUsers(field: string): SocketProcess[] {
  const processes: SocketProcess[] = [];
  for (const match of field.matchAll(USER)) {
    processes.push({ name: match[1] as string, pid: Number(match[2]), fd: Number(match[3]) });
  }
  return processes;
}

/** One ss line; `proto` applies when the line has no Netid column (ss -t or ss -u alone). */
export function parseSsLine(line: string, proto: Protocol): SocketRecord | undefined {
  const users = USERS.exec(line);
  const rest = users ? line.slice(0, users.index) + line.slice(users.index + users[0].length) : line;
  const tokens = rest.trim().split(/\s+/);
  let i = 0;
  let lineProto: string = proto;
  if (NETIDS.has(tokens[0] ?? '')) {
    lineProto = tokens[0] as string;
    i = 1;
  }
  if (lineProto !== 'tcp' && lineProto !== 'udp') return undefined;
  const [state, recvQ, sendQ, localText, remoteText] = tokens.slice(i, i + 5);
  if (state === undefined || !/^\d+$/.test(recvQ ?? '') || !/^\d+$/.test(sendQ ?? '')) return undefined;
  const local = parseSsEndpoint(localText ?? '');
  const remote = parseSsEndpoint(remoteText ?? '');
  if (!local || !remote) return undefined;
  const record: SocketRecord = {
    proto: lineProto,
    state,
    recvQ: Number(recvQ),
    sendQ: Number(sendQ),
    local,
    remote,
    processes: users ? parseUsers(users[0]) : [],
  };
  if (lineProto === 'tcp') {
    const tcp = parseTcpInfo(tokens.slice(i + 5));
    if (tcp) record.tcp = tcp;
  }
  return record;
}

/** Every socket in ss's output. */
export function parseSs(text: string, proto: Protocol): SocketRecord[] {
  const records: SocketRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || /^(Netid|State)\s/.test(line)) continue;
    const record = parseSsLine(line, proto);
    if (record) records.push(record);
  }
  return records;
}
