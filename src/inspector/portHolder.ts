/**
 * Who holds the port a target's inspector would open on. Node.js binds its inspector to 127.0.0.1:9229
 * (or --inspect-port); when another process already listens there (on 127.0.0.1, or on the wildcard
 * address), SIGUSR1 only makes the target print "address already in use" to its own stderr. hog looks
 * first, in the target's network namespace (/proc/PID/net/tcp), and names the holder from the socket's
 * inode against every process's descriptors, as ss -p does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readProcNetSockets } from '../proc/netSockets.js';
import { socketsOf } from '../proc/socketOwners.js';

export interface PortHolder {
  address: string;
  port: number;
  /** Undefined when no process visible to hog holds the socket (another namespace, no root). */
  pid: number | undefined;
  name: string | undefined;
}

const BLOCKING = new Set(['127.0.0.1', '0.0.0.0', '::', '::ffff:127.0.0.1']);

/** The listener in PID's network namespace that blocks 127.0.0.1:`port`, if any, with its owner. */
export function portHolder(pid: number, port: number, procRoot: string): PortHolder | undefined {
  const listener = readProcNetSockets('tcp', `${procRoot}/${pid}`).find(
    (s) => s.state === 'LISTEN' && s.local.port === port && BLOCKING.has(s.local.address),
  );
  if (!listener) return undefined;
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    let sockets: Map<number, number>;
    try {
      sockets = socketsOf(Number(entry), procRoot);
    } catch {
      continue; // gone, or another user's without root
    }
    if (!sockets.has(listener.inode)) continue;
    let name: string | undefined;
    try {
      name = readFileSync(`${procRoot}/${entry}/comm`, 'utf8').trimEnd();
    } catch {
      name = undefined;
    }
    return { address: listener.local.address, port, pid: Number(entry), name };
  }
  return { address: listener.local.address, port, pid: undefined, name: undefined };
}
