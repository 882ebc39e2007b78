/**
 * Which processes hold a socket: its inode against the links in /proc/PID/fd ("socket:[INODE]"), as
 * ss -p and nethogs find them. Scanning every process's descriptors is what makes nethogs costly, so
 * hog only looks when a socket it does not know appears: first at the processes that already held
 * sockets (a server's new connection is found there), and through all of /proc at most every few
 * seconds. Without root only the user's own processes can be read; other sockets stay unattributed.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { readProcText } from './procFile.js';

/** A process holding a socket, and the descriptor it holds it by. */
export interface SocketProcess {
  pid: number;
  name: string;
  fd: number;
}

/** "socket:[12345]" -> 12345 */
export function socketInode(link: string): number | undefined {
  const match = /^socket:\[(\d+)\]$/.exec(link);
  return match ? Number(match[1]) : undefined;
}

/**
 * The sockets a process holds: inode -> its descriptor number. Throws when the descriptors cannot be
 * listed (the process is gone, or another user's without root); a descriptor closed meanwhile is skipped.
 */
export function socketsOf(pid: number, procRoot: string): Map<number, number> {
  const sockets = new Map<number, number>();
  for (const fd of readdirSync(`${procRoot}/${pid}/fd`)) {
    let inode: number | undefined;
    try {
      inode = socketInode(readlinkSync(`${procRoot}/${pid}/fd/${fd}`));
    } catch {
      continue;
    }
    if (inode !== undefined) sockets.set(inode, Number(fd));
  }
  return sockets;
}

export class SocketOwners {
  private readonly owners = new Map<number, SocketProcess[]>();
  private readonly names = new Map<number, string>();
  private socketPids = new Set<number>();
  private lastFullScanMs = Number.NEGATIVE_INFINITY;
  /** Full scans done, for tests and --verbose. */
  fullScans = 0;

  constructor(
    private readonly procRoot = '/proc',
    private readonly fullScanIntervalMs = 3000,
  ) {}

  /** Make sure the owners of these inodes are known, as far as they can be; `now` in ms. */
  resolve(inodes: readonly number[], now: number): void {
    const current = new Set(inodes);
    for (const inode of this.owners.keys()) if (!current.has(inode)) this.owners.delete(inode);
    let unknown = inodes.filter((i) => i !== 0 && !this.owners.has(i));
    if (unknown.length === 0) return;
    for (const pid of this.socketPids) this.scanPid(pid, current);
    unknown = unknown.filter((i) => !this.owners.has(i));
    if (unknown.length === 0 || now - this.lastFullScanMs < this.fullScanIntervalMs) return;
    this.lastFullScanMs = now;
    this.fullScans++;
    const pids = new Set<number>();
    for (const entry of readdirSync(this.procRoot)) if (/^\d+$/.test(entry)) pids.add(Number(entry));
    this.socketPids = new Set();
    this.names.clear();
    for (const pid of pids) this.scanPid(pid, current);
    // sockets of processes hog may not look into: remembered as unowned until they go away
    for (const inode of unknown) if (!this.owners.has(inode)) this.owners.set(inode, []);
  }

  processesOf(inode: number | undefined): SocketProcess[] {
    return inode === undefined ? [] : (this.owners.get(inode) ?? []);
  }

  private scanPid(pid: number, wanted: Set<number>): void {
    let sockets: Map<number, number>;
    try {
      sockets = socketsOf(pid, this.procRoot);
    } catch {
      this.socketPids.delete(pid); // gone, or not ours to read
      return;
    }
    for (const [inode, fd] of sockets) {
      if (!wanted.has(inode)) continue;
      const list = (this.owners.get(inode) ?? []).filter((p) => p.pid !== pid);
      list.push({ pid, name: this.nameOf(pid), fd });
      this.owners.set(inode, list);
    }
    if (sockets.size > 0) this.socketPids.add(pid);
  }

  private nameOf(pid: number): string {
    let name = this.names.get(pid);
    if (name === undefined) {
      try {
        name = readProcText(`${this.procRoot}/${pid}/comm`).trimEnd();
      } catch {
        name = '?';
      }
      this.names.set(pid, name);
    }
    return name;
  }
}
