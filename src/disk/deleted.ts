/**
 * Files deleted but still open: unlinked (no name left, st_nlink 0) while a process holds a descriptor,
 * so their blocks stay allocated — counted by df (statfs), invisible to du. Found by looking at every
 * /proc/[pid]/fd/* link (what lsof +L1 reports), and de-duplicated by device and inode: several
 * processes (a forked server) may hold one file.
 */
import { readlinkSync, type Stats, statSync } from 'node:fs';
import { type FdInfo, readFdInfo } from '../proc/fdinfo.js';
import { forEachOpenFd } from '../proc/fds.js';
import type { Mount } from '../proc/mountinfo.js';
import { readProcText } from '../proc/procFile.js';
import { mountOf, mountOfDevice } from './filesystems.js';

export interface Holder {
  pid: number;
  fd: number;
  command: string;
  /** From /proc/[pid]/fdinfo: offset and open mode; undefined if it could not be read. */
  fdinfo: FdInfo | undefined;
}

export interface DeletedFile {
  /** The path it had, as the kernel remembers it (without the " (deleted)" suffix). */
  path: string;
  dev: number;
  ino: number;
  allocatedBytes: number;
  apparentBytes: number;
  mountPoint: string | undefined;
  fsType: string | undefined;
  holders: Holder[];
  /** How its writers write (writeMode), once every holder is known. */
  writes: WriteMode;
}

export interface DeletedScan {
  files: DeletedFile[];
  /** Processes whose descriptors this user may not list (other users' processes without root). */
  deniedProcesses: number;
}

const SUFFIX = ' (deleted)';

/** A regular file with no name left (st_nlink 0): what makes its space invisible to du. */
export function isDeletedFile(st: Stats): boolean {
  return st.isFile() && st.nlink === 0;
}

export function findDeletedOpenFiles(procRoot: string, mounts: readonly Mount[]): DeletedScan {
  const byInode = new Map<string, DeletedFile>();
  const commands = new Map<number, string>();
  const { deniedProcesses } = forEachOpenFd(procRoot, (pid, fd, link) => {
    let target: string;
    let st: Stats;
    try {
      target = readlinkSync(link);
      // memfd files and anonymous inodes live in memory, not on a filesystem's blocks
      if (!target.endsWith(SUFFIX) || target.startsWith('/memfd:')) return;
      st = statSync(link);
    } catch {
      return; // the descriptor closed, or the process exited, while we looked
    }
    if (!isDeletedFile(st)) return;
    const path = target.slice(0, -SUFFIX.length);
    const mount = mountOfDevice(st.dev, mounts) ?? mountOf(path, mounts);
    let command = commands.get(pid);
    if (command === undefined) {
      command = readComm(procRoot, pid);
      commands.set(pid, command);
    }
    let fdinfo: FdInfo | undefined;
    try {
      fdinfo = readFdInfo(pid, fd, procRoot);
    } catch {
      fdinfo = undefined;
    }
    const key = `${st.dev}:${st.ino}`;
    const file = byInode.get(key) ?? {
      path,
      dev: st.dev,
      ino: st.ino,
      allocatedBytes: st.blocks * 512,
      apparentBytes: st.size,
      mountPoint: mount?.mountPoint,
      fsType: mount?.fsType,
      holders: [],
      writes: 'unknown',
    };
    file.holders.push({ pid, fd, command, fdinfo });
    byInode.set(key, file);
  });
  const files = [...byInode.values()].sort(
    (a, b) => b.allocatedBytes - a.allocatedBytes || a.path.localeCompare(b.path),
  );
  for (const file of files) file.writes = writeMode(file);
  return { files, deniedProcesses };
}

function readComm(procRoot: string, pid: number): string {
  try {
    return readProcText(`${procRoot}/${pid}/comm`).trim();
  } catch {
    return '?';
  }
}

export interface FilesystemDeleted {
  mountPoint: string;
  fsType: string | undefined;
  files: number;
  allocatedBytes: number;
}

/** What restarting (or truncating) would give back, per filesystem. */
export function totalsByFilesystem(files: readonly DeletedFile[]): FilesystemDeleted[] {
  const by = new Map<string, FilesystemDeleted>();
  for (const f of files) {
    const key = f.mountPoint ?? '?';
    const t = by.get(key) ?? { mountPoint: key, fsType: f.fsType, files: 0, allocatedBytes: 0 };
    t.files++;
    t.allocatedBytes += f.allocatedBytes;
    by.set(key, t);
  }
  return [...by.values()].sort((a, b) => b.allocatedBytes - a.allocatedBytes);
}

export type WriteMode = 'append' | 'offset' | 'read-only' | 'unknown';

/** How the writers write: all append (safe to truncate), some write at an offset (the file turns sparse), or none write. */
function writeMode(file: Pick<DeletedFile, 'holders'>): WriteMode {
  const infos = file.holders.map((h) => h.fdinfo);
  if (infos.some((i) => i === undefined)) return 'unknown';
  const writers = infos.filter((i) => i?.writable);
  if (writers.length === 0) return 'read-only';
  return writers.every((i) => i?.append) ? 'append' : 'offset';
}
