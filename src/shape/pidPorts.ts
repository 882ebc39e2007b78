/**
 * `hog shape add --pid PID`: a process's traffic, found by the ports of the sockets it holds now.
 * tc sees packets, not processes, so a pid rule is a port rule over the process's local ports: its
 * listening and bound ports (a server's connections all use them) and the local ports of its own
 * outgoing connections (ephemeral, one per connection). The remote ports are left out: a client's
 * remote port 443 is every other process's HTTPS too.
 * This is a snapshot: a socket the process opens later is not covered, unless `hog shape watch`
 * refreshes the rule. The sockets are read from the process's own network namespace
 * (/proc/PID/net/...), and the socket inodes from its descriptors (/proc/PID/fd), as ss -p does.
 */
import { type Clock, realClock } from '../clock.js';
import { NotFoundError, PermissionError, quote } from '../errors.js';
import { type ProcSocket, type Protocol, readProcNetSockets } from '../proc/netSockets.js';
import { readProcText } from '../proc/procFile.js';
import { socketsOf } from '../proc/socketOwners.js';
import { readStat } from '../proc/stat.js';
import { readUptime } from '../proc/uptime.js';

/** Clock ticks of /proc/PID/stat's start time: USER_HZ, 100 on every Linux architecture (proc(5)). */
const USER_HZ = 100;

export interface PidPorts {
  pid: number;
  /** With the PID, names the process: a PID reused by another process has another start time. */
  startTimeTicks: number;
  /** When it started, ms since the epoch (to the 10 ms of a clock tick). */
  startedAtMs: number;
  comm: string;
  /** Every local port, sorted: what the rule matches. */
  ports: number[];
  tcp: number[];
  udp: number[];
}

/** The local ports of the sockets whose inodes the process holds, per protocol, sorted. */
export function localPortsOf(
  inodes: ReadonlySet<number>,
  sockets: readonly ProcSocket[],
): Record<Protocol, number[]> {
  const found: Record<Protocol, Set<number>> = { tcp: new Set(), udp: new Set() };
  for (const s of sockets) {
    // port 0: a socket not bound yet; TIME-WAIT and other orphans have inode 0 and no owner
    if (s.inode === 0 || s.local.port === 0 || !inodes.has(s.inode)) continue;
    found[s.proto].add(s.local.port);
  }
  const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b);
  return { tcp: sorted(found.tcp), udp: sorted(found.udp) };
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** The ports PID uses now. NotFoundError when there is no such process, PermissionError without root. */
export function readPidPorts(pid: number, procRoot = '/proc', clock: Clock = realClock): PidPorts {
  let startTimeTicks: number;
  let comm: string;
  let inodes: Set<number>;
  try {
    startTimeTicks = readStat(pid, procRoot).startTimeTicks;
    comm = readProcText(`${procRoot}/${pid}/comm`).trimEnd();
    inodes = new Set(socketsOf(pid, procRoot).keys());
  } catch (error) {
    if (errno(error) === 'EACCES' || errno(error) === 'EPERM')
      throw new PermissionError(`cannot read the sockets of PID ${pid}`, {
        hint: 'run as root (or as the user that owns the process)',
        cause: error,
      });
    throw new NotFoundError(`no process with PID ${quote(String(pid))}`, {
      hint: 'ps -e lists the processes; the process may have exited',
      cause: error,
    });
  }
  // the process's own network namespace: its tables, not hog's
  const sockets = [
    ...readProcNetSockets('tcp', `${procRoot}/${pid}`),
    ...readProcNetSockets('udp', `${procRoot}/${pid}`),
  ];
  const { tcp, udp } = localPortsOf(inodes, sockets);
  const ports = [...new Set([...tcp, ...udp])].sort((a, b) => a - b);
  const startedAtMs = startedAt(startTimeTicks, readUptime(procRoot).uptimeSeconds, clock.now());
  return { pid, startTimeTicks, startedAtMs, comm, ports, tcp, udp };
}

/** A start time in ticks since boot, as ms since the epoch: boot was `uptimeSeconds` before `nowMs`. */
export function startedAt(startTimeTicks: number, uptimeSeconds: number, nowMs: number): number {
  return Math.round(nowMs - uptimeSeconds * 1000 + (startTimeTicks * 1000) / USER_HZ);
}

/** Whether PID still names the process read before (same start time); false once it has exited. */
export function sameProcess(pid: number, startTimeTicks: number, procRoot = '/proc'): boolean {
  try {
    const stat = readStat(pid, procRoot);
    return stat.startTimeTicks === startTimeTicks && stat.state !== 'Z';
  } catch {
    return false;
  }
}
