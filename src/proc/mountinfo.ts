/**
 * /proc/[pid]/mountinfo — one line per mount (proc_pid_mountinfo(5)):
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * Paths escape space, tab, newline and backslash as octal (\040 \011 \012 \134). Malformed lines are
 * skipped and counted, never fatal.
 */
import { readProcText } from './procFile.js';

export interface Mount {
  mountId: number;
  parentId: number;
  major: number;
  minor: number;
  /** The path inside the filesystem that is mounted here ("/" for a whole filesystem). */
  root: string;
  mountPoint: string;
  mountOptions: string[];
  fsType: string;
  source: string;
  superOptions: string[];
}

export function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

export function parseMountinfo(text: string): { mounts: Mount[]; malformed: number } {
  const mounts: Mount[] = [];
  let malformed = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    const [id, parent, devno, root, mountPoint, options] = fields;
    const devMatch = /^(\d+):(\d+)$/.exec(devno ?? '');
    if (dash < 0 || fields.length < dash + 3 || !devMatch || root === undefined || mountPoint === undefined) {
      malformed++;
      continue;
    }
    mounts.push({
      mountId: Number(id),
      parentId: Number(parent),
      major: Number(devMatch[1]),
      minor: Number(devMatch[2]),
      root: unescapeOctal(root),
      mountPoint: unescapeOctal(mountPoint),
      mountOptions: (options ?? '').split(','),
      fsType: fields[dash + 1] ?? '',
      source: unescapeOctal(fields[dash + 2] ?? ''),
      superOptions: (fields[dash + 3] ?? '').split(','),
    });
  }
  return { mounts, malformed };
}

export function readMountinfo(pid: number | 'self' = 'self', procRoot = '/proc'): Mount[] {
  return parseMountinfo(readProcText(`${procRoot}/${pid}/mountinfo`)).mounts;
}
