/**
 * Give back the space of a deleted-but-open file without restarting its process: truncate it to 0
 * bytes through the process's own descriptor (/proc/PID/fd/FD reopens the unnamed file; the descriptor
 * hog opens is checked to be the same device and inode before ftruncate). The process keeps its
 * descriptor; if it writes at an offset rather than appending, its next write recreates the file's
 * size with a hole before it (a sparse file: little space, but it reads as zeros), so that needs
 * --force.
 *
 * Never forced: a file some process maps (touching a page past the new end kills it with SIGBUS), and
 * shared memory (memfd, SysV, POSIX /dev/shm objects), which is a process's memory, not a disk file.
 */
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readlinkSync, statSync } from 'node:fs';
import { errnoCode, NotFoundError, PermissionError, quote, UsageError } from '../errors.js';
import { type FdInfo, readFdInfo } from '../proc/fdinfo.js';
import { readMapsFiles, splitDev } from '../proc/maps.js';
import type { Mount } from '../proc/mountinfo.js';
import { listPids } from '../proc/pids.js';
import { isDenied, readProcText } from '../proc/procFile.js';
import { findDeletedOpenFiles, type Holder, isDeletedFile } from './deleted.js';

export interface ReclaimTarget {
  pid: number;
  fd: number;
  command: string;
  path: string;
  dev: number;
  ino: number;
  allocatedBytes: number;
  apparentBytes: number;
  fdinfo: FdInfo | undefined;
}

/** "1234:5" -> { pid: 1234, fd: 5 } */
export function parsePidFd(text: string): { pid: number; fd: number } {
  const match = /^\s*(\d+):(\d+)\s*$/.exec(text);
  const pid = Number(match?.[1]);
  const fd = Number(match?.[2]);
  if (!match || pid <= 0 || pid > 4194304 || !Number.isSafeInteger(fd)) {
    throw new UsageError(`--reclaim takes PID:FD, got ${quote(text)}`, {
      hint: 'take both from the PID and FD columns of `hog disk deleted`, e.g. --reclaim 1234:5',
    });
  }
  return { pid, fd };
}

export function locateTarget(pid: number, fd: number, procRoot = '/proc'): ReclaimTarget {
  const link = `${procRoot}/${pid}/fd/${fd}`;
  let target: string;
  try {
    target = readlinkSync(link);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') {
      throw new NotFoundError(`process ${pid} has no file descriptor ${fd}`, {
        hint: 'it may have closed the file or exited; list what is open now with `hog disk deleted`',
        cause: error,
      });
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new PermissionError(`not allowed to reach the descriptors of process ${pid}`, {
        hint: 'it belongs to another user: run hog as root (sudo)',
        cause: error,
      });
    }
    throw error;
  }
  const st = statSync(link);
  if (!isDeletedFile(st)) {
    throw new UsageError(`${pid}:${fd} is not a deleted file: it is ${quote(target)}`, {
      hint: 'hog only truncates files that were deleted (no name left) yet are still open; see `hog disk deleted`',
    });
  }
  let fdinfo: FdInfo | undefined;
  try {
    fdinfo = readFdInfo(pid, fd, procRoot);
  } catch {
    fdinfo = undefined;
  }
  let command = '?';
  try {
    command = readProcText(`${procRoot}/${pid}/comm`).trim();
  } catch {
    // exited meanwhile: the truncate below will say so
  }
  return {
    pid,
    fd,
    command,
    path: target.replace(/ \(deleted\)$/, ''),
    dev: st.dev,
    ino: st.ino,
    allocatedBytes: st.blocks * 512,
    apparentBytes: st.size,
    fdinfo,
  };
}

/** Shared memory by the name the kernel gives it, or undefined. */
export function sharedMemoryKind(path: string): string | undefined {
  if (path.startsWith('/memfd:')) return 'a memfd (memory a process made with memfd_create)';
  if (path.startsWith('/SYSV')) return 'a System V shared memory segment';
  if (path.startsWith('/dev/shm/')) return 'a POSIX shared memory object (/dev/shm)';
  return undefined;
}

export interface Mapper {
  pid: number;
  command: string;
}

/** Processes that map the inode dev:ino, and those whose maps could not be read. */
export function processesMapping(
  dev: number,
  ino: number,
  procRoot = '/proc',
): { mappers: Mapper[]; denied: Mapper[] } {
  const { major, minor } = splitDev(dev);
  const mappers: Mapper[] = [];
  const denied: Mapper[] = [];
  for (const pid of listPids(procRoot)) {
    let maps: ReturnType<typeof readMapsFiles>;
    try {
      maps = readMapsFiles(pid, procRoot);
    } catch (error) {
      if (isDenied(error)) denied.push({ pid, command: commandOf(pid, procRoot) });
      continue; // exited meanwhile
    }
    if (maps.some((m) => m.inode === ino && m.major === major && m.minor === minor))
      mappers.push({ pid, command: commandOf(pid, procRoot) });
  }
  return { mappers, denied };
}

function commandOf(pid: number, procRoot: string): string {
  try {
    return readProcText(`${procRoot}/${pid}/comm`).trim();
  } catch {
    return '?';
  }
}

/**
 * Why truncating the target would harm a process, as an error to exit with (2), or undefined
 * (--force does not override these); and the processes whose maps even root could not read (a
 * sandbox's init, an LSM's rule), to warn about.
 */
export function harmOfTruncating(
  target: ReclaimTarget,
  procRoot = '/proc',
  uid = process.getuid?.() ?? 0,
): { harm?: UsageError; unchecked: Mapper[] } {
  const hint = `restart PID ${target.pid} (${target.command}) instead: the space is freed when the last holder closes it; --force does not override this`;
  const shared = sharedMemoryKind(target.path);
  if (shared)
    return {
      unchecked: [],
      harm: new UsageError(
        `refusing to truncate ${target.pid}:${target.fd}: it is ${shared}, not a file on disk; processes use it as memory, and truncating it kills those that touch it (SIGBUS)`,
        { hint },
      ),
    };
  const { mappers, denied } = processesMapping(target.dev, target.ino, procRoot);
  if (mappers.length > 0) {
    const who = mappers
      .slice(0, 5)
      .map((m) => `PID ${m.pid} (${m.command})`)
      .join(', ');
    const harm = new UsageError(
      `refusing to truncate ${quote(target.path)} (deleted): ${who}${mappers.length > 5 ? ` and ${mappers.length - 5} more` : ''} ${mappers.length === 1 ? 'maps' : 'map'} it into memory, and truncating a mapped file kills the process with SIGBUS when it touches a page past the new end`,
      { hint },
    );
    return { harm, unchecked: [] };
  }
  if (denied.length > 0 && uid !== 0)
    return {
      unchecked: denied,
      harm: new UsageError(
        `refusing to truncate ${quote(target.path)} (deleted): the memory maps of ${denied.length} processes of other users cannot be read, and one that maps the file would be killed (SIGBUS)`,
        { hint: 'run hog as root (sudo) so that every process can be checked' },
      ),
    };
  return { unchecked: denied };
}

/** Writers that do not append: after the truncation their next write leaves a sparse file (--force). */
export function offsetWriters(holders: { pid: number; fd: number; fdinfo: FdInfo | undefined }[]) {
  return holders.filter((h) => h.fdinfo?.writable === true && !h.fdinfo.append);
}

/** The other descriptors, of this process or others, that hold the same deleted file. */
export function otherHolders(target: ReclaimTarget, procRoot: string, mounts: readonly Mount[]): Holder[] {
  return (
    findDeletedOpenFiles(procRoot, mounts)
      .files.find((f) => f.dev === target.dev && f.ino === target.ino)
      ?.holders.filter((h) => h.pid !== target.pid || h.fd !== target.fd) ?? []
  );
}

/**
 * A holder writing at an offset (without O_APPEND) would leave a sparse file of its old size after the
 * truncation: the error to refuse with, which --force overrides; undefined when every writer appends.
 */
export function offsetWriterRefusal(
  target: ReclaimTarget,
  otherHolders: { pid: number; fd: number; fdinfo: FdInfo | undefined }[],
): UsageError | undefined {
  const w = offsetWriters([{ pid: target.pid, fd: target.fd, fdinfo: target.fdinfo }, ...otherHolders])[0];
  if (w === undefined) return undefined;
  return new UsageError(
    `PID ${w.pid} fd ${w.fd} writes to ${target.path} without O_APPEND (at offset ${w.fdinfo?.pos}): after the truncation its next write leaves a file of that size with a hole (sparse: little space, but it reads as zeros); nothing done`,
    { hint: 'add --force to truncate anyway, or restart the process to free the space' },
  );
}

/**
 * What the user should know before saying yes: how each holder uses the file, and the processes whose
 * memory maps could not be checked (harmOfTruncating's `unchecked`).
 */
export function reclaimWarnings(
  target: ReclaimTarget,
  otherHolders: { pid: number; fd: number; fdinfo: FdInfo | undefined }[],
  unchecked: readonly Mapper[] = [],
): string[] {
  const warnings: string[] = [];
  const holders = [{ pid: target.pid, fd: target.fd, fdinfo: target.fdinfo }, ...otherHolders];
  for (const h of holders) {
    if (h.fdinfo === undefined) {
      warnings.push(`PID ${h.pid} fd ${h.fd}: its open mode could not be read`);
    } else if (h.fdinfo.writable && !h.fdinfo.append) {
      warnings.push(
        `PID ${h.pid} fd ${h.fd} writes without O_APPEND at offset ${h.fdinfo.pos}: its next write recreates a file of that size with a hole before it (sparse: little space, reads as zeros)`,
      );
    } else if (!h.fdinfo.writable) {
      warnings.push(`PID ${h.pid} fd ${h.fd} reads the file: after the truncation it finds it empty`);
    }
  }
  for (const u of unchecked.slice(0, 5))
    warnings.push(
      `the memory maps of PID ${u.pid} (${u.command}) cannot be read even as root: if it maps this file, truncating it kills it (SIGBUS)`,
    );
  return warnings;
}

/**
 * Truncate through a descriptor of hog's own, opened from /proc/PID/fd/FD and checked to be the file
 * that was looked at (the process may have closed it and reused the number since); `recheck` runs
 * once the file is pinned by that descriptor, just before ftruncate. Returns the allocated bytes after.
 */
export function truncateTarget(
  target: ReclaimTarget,
  procRoot = '/proc',
  recheck: () => void = () => {},
): number {
  const link = `${procRoot}/${target.pid}/fd/${target.fd}`;
  const changed = () =>
    new UsageError(`${target.pid}:${target.fd} changed since it was looked at; nothing done`, {
      hint: 'run `hog disk deleted` again',
    });
  let fd: number;
  try {
    fd = openSync(link, constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw changed();
    throw truncateError(error, target);
  }
  try {
    const st = fstatSync(fd);
    if (st.dev !== target.dev || st.ino !== target.ino || !isDeletedFile(st)) throw changed();
    recheck();
    ftruncateSync(fd, 0);
    return fstatSync(fd).blocks * 512;
  } catch (error) {
    throw errnoCode(error) === undefined ? error : truncateError(error, target);
  } finally {
    closeSync(fd);
  }
}

function truncateError(error: unknown, target: ReclaimTarget): unknown {
  const code = errnoCode(error);
  if (code === 'EACCES' || code === 'EPERM')
    return new PermissionError(`not allowed to truncate ${quote(target.path)} (held by PID ${target.pid})`, {
      hint: 'run hog as root (sudo), or as the owner of the file',
      cause: error,
    });
  if (code === 'EROFS')
    return new UsageError(`${quote(target.path)} is on a read-only filesystem`, {
      hint: 'restart the process instead',
      cause: error,
    });
  return error;
}
