/**
 * /proc/[pid]/maps — the memory mappings of a process (proc(5)), one per line:
 *   address           perms offset  dev   inode       pathname
 *   7f2c...-7f2c...   rw-s  00000000 fe:00 2146323     /tmp/data.bin (deleted)
 * dev is major:minor in hex, inode in decimal (0 for anonymous memory). Only file mappings are kept:
 * a process touching a page of a mapped file that was truncated under it gets SIGBUS.
 */
import { readProcText } from './procFile.js';

export interface FileMapping {
  major: number;
  minor: number;
  inode: number;
  /** Writes go to the file (MAP_SHARED, "s"), rather than to private copies. */
  shared: boolean;
  /** As the kernel prints it (" (deleted)" kept; a newline in a name is printed as \012). */
  path: string;
}

const LINE = /^[0-9a-f]+-[0-9a-f]+ [-r][-w][-x]([sp]) [0-9a-f]+ ([0-9a-f]+):([0-9a-f]+) (\d+)\s*(.*)$/;

/** The file mappings of one maps file; lines that do not parse (or anonymous ones) are left out. */
export function parseMapsFiles(text: string): FileMapping[] {
  const mappings: FileMapping[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const inode = Number(m[4]);
    if (inode === 0) continue;
    mappings.push({
      major: Number.parseInt(m[2] as string, 16),
      minor: Number.parseInt(m[3] as string, 16),
      inode,
      shared: m[1] === 's',
      path: m[5] as string,
    });
  }
  return mappings;
}

export function readMapsFiles(pid: number, procRoot = '/proc'): FileMapping[] {
  return parseMapsFiles(readProcText(`${procRoot}/${pid}/maps`));
}

/**
 * Major and minor of a dev_t as Node.js reports st_dev (glibc's encoding, bits/sysmacros.h:
 * major = bits 8-19 and 44-63, minor = bits 0-7 and 20-43).
 */
export function splitDev(dev: number): { major: number; minor: number } {
  const low = dev % 2 ** 32;
  const high = Math.floor(dev / 2 ** 32);
  return {
    major: (((low >>> 8) & 0xfff) | (high & 0xfffff000)) >>> 0,
    minor: ((low & 0xff) | ((low >>> 12) & 0xfff00) | ((high & 0xfff) << 20)) >>> 0,
  };
}
