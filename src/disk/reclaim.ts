/**
 * Give back the space of a deleted-but-open file without restarting its process: truncate it to 0
 * bytes through the process's own descriptor (/proc/PID/fd/FD is a link to the unnamed file). The
 * process keeps its descriptor; if it writes at an offset rather than appending, its next write
 * recreates the file's size with a hole before it (a sparse file: little space, but it reads as zeros).
 */
import { readlinkSync, statSync, truncateSync } from 'node:fs';
import { errnoCode, NotFoundError, PermissionError, quote, UsageError } from '../errors.js';
import { type FdInfo, readFdInfo } from '../proc/fdinfo.js';
import { readProcText } from '../proc/procFile.js';
import { isDeletedFile } from './deleted.js';

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

/** What the user should know before saying yes. */
export function reclaimWarnings(
  target: ReclaimTarget,
  otherHolders: { pid: number; fd: number; fdinfo: FdInfo | undefined }[],
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
  return warnings;
}

/** Truncate through the descriptor; returns the file's allocated bytes after. */
export function truncateTarget(target: ReclaimTarget, procRoot = '/proc'): number {
  const link = `${procRoot}/${target.pid}/fd/${target.fd}`;
  // check again: the descriptor number may have been reused for another file since it was listed
  const st = statSync(link);
  if (st.dev !== target.dev || st.ino !== target.ino || !isDeletedFile(st)) {
    throw new UsageError(`${target.pid}:${target.fd} changed since it was looked at; nothing done`, {
      hint: 'run `hog disk deleted` again',
    });
  }
  try {
    truncateSync(link, 0);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new PermissionError(`not allowed to truncate ${quote(target.path)} (held by PID ${target.pid})`, {
        hint: 'run hog as root (sudo), or as the owner of the file',
        cause: error,
      });
    }
    if (code === 'EROFS') {
      throw new UsageError(`${quote(target.path)} is on a read-only filesystem`, {
        hint: 'restart the process instead',
        cause: error,
      });
    }
    throw error;
  }
  return statSync(link).blocks * 512;
}
