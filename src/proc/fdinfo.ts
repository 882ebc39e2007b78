/**
 * /proc/[pid]/fdinfo/[fd] — the state of one open file descriptor (proc(5)):
 *   pos:    12345        file offset
 *   flags:  0102001      open(2) flags, in octal
 *   mnt_id: 23           the mount (mountinfo's first field)
 *   ino:    123456       the inode (Linux 5.14+)
 */
import { parseKeyValueLines } from './keyValue.js';
import { readProcText } from './procFile.js';

// open(2) flag bits (asm-generic/fcntl.h, the same on x86 and arm)
const O_ACCMODE = 0o3;
const O_WRONLY = 0o1;
const O_RDWR = 0o2;
const O_APPEND = 0o2000;

export interface FdInfo {
  pos: number;
  flags: number;
  /** Opened for writing (O_WRONLY or O_RDWR). */
  writable: boolean;
  readable: boolean;
  /** O_APPEND: every write goes to the end of the file, wherever the file ends now. */
  append: boolean;
  mountId: number | undefined;
  ino: number | undefined;
}

export function parseFdInfo(text: string): FdInfo | undefined {
  const fields = parseKeyValueLines(text);
  const flagsText = fields.get('flags');
  const posText = fields.get('pos');
  if (
    flagsText === undefined ||
    posText === undefined ||
    !/^[0-7]+$/.test(flagsText) ||
    !/^\d+$/.test(posText)
  ) {
    return undefined;
  }
  const flags = Number.parseInt(flagsText, 8);
  const mode = flags & O_ACCMODE;
  const number = (key: string) => {
    const v = fields.get(key);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  return {
    pos: Number(posText),
    flags,
    writable: mode === O_WRONLY || mode === O_RDWR,
    readable: mode !== O_WRONLY,
    append: (flags & O_APPEND) !== 0,
    mountId: number('mnt_id'),
    ino: number('ino'),
  };
}

export function readFdInfo(pid: number, fd: number, procRoot = '/proc'): FdInfo | undefined {
  return parseFdInfo(readProcText(`${procRoot}/${pid}/fdinfo/${fd}`));
}
