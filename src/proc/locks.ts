/**
 * /proc/locks — the file locks held on the system (proc(5)), one line per lock:
 *   1: POSIX  ADVISORY  WRITE 1234 08:01:393220 0 EOF
 *   2: FLOCK  ADVISORY  WRITE 5678 00:1a:98765 0 EOF
 *   3: OFDLCK ADVISORY  READ  -1 00:06:9 0 EOF
 *   3: -> FLOCK ADVISORY WRITE 99 00:1a:98765 0 EOF      (a process waiting for lock 3: skipped)
 * The device is MAJOR:MINOR in hex (fs/locks.c prints "%02x:%02x:%lu"). Every user may read it, so a
 * lock shows even where the holder's descriptors cannot be listed. Malformed lines are counted.
 */
import { readProcText } from './procFile.js';

export interface FileLock {
  /** POSIX, FLOCK, OFDLCK, LEASE, DELEG... */
  kind: string;
  /** -1 for open file description locks (they belong to no single process). */
  pid: number;
  /** st_dev as stat(2) returns it (glibc's makedev of major and minor). */
  dev: number;
  ino: number;
}

/** glibc's makedev: minor's low byte, then major's low 12 bits, then the rest of minor, then the rest of major. */
export function makedev(major: number, minor: number): number {
  return (
    (minor & 0xff) +
    (major & 0xfff) * 0x100 +
    Math.floor(minor / 0x100) * 0x100000 +
    Math.floor(major / 0x1000) * 0x100000000
  );
}

export function parseLocks(text: string): { locks: FileLock[]; malformed: number } {
  const locks: FileLock[] = [];
  let malformed = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.trim().split(/\s+/);
    if (fields[1] === '->') continue;
    const [, kind, , , pid, where] = fields;
    const m = /^([0-9a-f]+):([0-9a-f]+):(\d+)$/.exec(where ?? '');
    if (!m || kind === undefined || !/^-?\d+$/.test(pid ?? '')) {
      malformed++;
      continue;
    }
    locks.push({
      kind,
      pid: Number(pid),
      dev: makedev(Number.parseInt(m[1] as string, 16), Number.parseInt(m[2] as string, 16)),
      ino: Number(m[3]),
    });
  }
  return { locks, malformed };
}

/** The locks now held, by "dev:ino"; none when /proc/locks cannot be read (then nothing is known locked). */
export function readLocks(procRoot = '/proc'): Map<string, FileLock> {
  const byInode = new Map<string, FileLock>();
  let text: string;
  try {
    text = readProcText(`${procRoot}/locks`);
  } catch {
    return byInode;
  }
  for (const lock of parseLocks(text).locks) {
    const key = `${lock.dev}:${lock.ino}`;
    if (!byInode.has(key)) byInode.set(key, lock);
  }
  return byInode;
}
