/**
 * The guard rails of `hog disk clean`: which directories it refuses, whether a filesystem can be
 * written, which files are open (deleting an open file frees nothing until it is closed). The checks
 * made just before touching a file are done by descriptor (removeBeneath.ts).
 */
import { accessSync, constants, lstatSync, statSync } from 'node:fs';
import { forEachOpenFd } from '../proc/fds.js';
import { OS_SOFTWARE_TREES } from './systemPaths.js';

/** Never cleaned as a whole, without --force: the root and the top-level system directories. */
const REFUSED_EXACT = new Set([
  '/',
  '/dev',
  '/home',
  '/opt',
  '/root',
  '/run',
  '/srv',
  '/var',
  '/var/lib',
  '/mnt',
  '/media',
]);
/** Never cleaned anywhere inside, without --force: installed software and system configuration. */
const REFUSED_TREES = [...OS_SOFTWARE_TREES, '/etc', '/proc', '/sys', '/nix'];

/** Why a directory may not be cleaned without --force, or undefined when it may. `path` is resolved (realpath). */
export function refusalReason(path: string): string | undefined {
  if (REFUSED_EXACT.has(path)) return `${path} is a system directory`;
  const tree = REFUSED_TREES.find((t) => path === t || path.startsWith(`${t}/`));
  return tree
    ? `${path} is ${path === tree ? '' : 'inside '}${tree}, which holds installed software or system files`
    : undefined;
}

export interface OpenFiles {
  /** "dev:ino" of every file some process has open. */
  inodes: Map<string, { pid: number; command: string }>;
  /** Processes whose descriptors could not be listed (other users', without root). */
  denied: number;
}

/** Every inode open by a visible process, with one holder to name. */
export function openFiles(procRoot = '/proc', comm: (pid: number) => string = () => '?'): OpenFiles {
  const inodes = new Map<string, { pid: number; command: string }>();
  const { deniedProcesses } = forEachOpenFd(procRoot, (pid, _fd, link) => {
    try {
      const st = statSync(link);
      const key = `${st.dev}:${st.ino}`;
      if (st.isFile() && !inodes.has(key)) inodes.set(key, { pid, command: comm(pid) });
    } catch {
      // closed meanwhile
    }
  });
  return { inodes, denied: deniedProcesses };
}

export interface Planned {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

/** An ELF core file: "\x7fELF", then e_type (offset 16, 2 bytes in the file's byte order) = 4 (ET_CORE). */
export function isElfCore(header: Buffer): boolean {
  if (header.length < 18 || header.readUInt32BE(0) !== 0x7f454c46) return false;
  const littleEndian = header[5] === 1;
  return (littleEndian ? header.readUInt16LE(16) : header.readUInt16BE(16)) === 4;
}

const S_ISVTX = 0o1000;

/**
 * Why the current user may not remove (or replace) a file, or undefined: removing needs write and
 * search permission on its directory, and in a sticky directory (/tmp) owning the file or the
 * directory (unlink(2)). Root may.
 */
export function cannotRemove(path: Buffer, uid = process.getuid?.() ?? 0): string | undefined {
  if (uid === 0) return undefined;
  const slash = path.lastIndexOf(0x2f);
  const dir = slash > 0 ? path.subarray(0, slash) : Buffer.from('/');
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    const d = statSync(dir);
    if (d.mode & S_ISVTX && d.uid !== uid && lstatSync(path).uid !== uid) {
      return "another user's file in a sticky directory: only its owner or root may remove it";
    }
  } catch {
    return 'this user may not change its directory: run hog as root (sudo) or as the owner';
  }
  return undefined;
}
