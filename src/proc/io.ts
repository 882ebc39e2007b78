/**
 * /proc/[pid]/io — I/O counters (proc_pid_io(5)). Readable only for one's own processes (or as root).
 * rchar/wchar count every read()/write() including page-cache hits; read_bytes/write_bytes are what
 * reached the storage layer.
 */
import { parseKeyValueLines } from './keyValue.js';
import { lineCount, malformed } from './malformed.js';
import { readProcText } from './procFile.js';

export interface ProcIo {
  rchar: number;
  wchar: number;
  syscr: number;
  syscw: number;
  readBytes: number;
  writeBytes: number;
  cancelledWriteBytes: number;
}

export function parseIo(text: string, file = '/proc/[pid]/io'): ProcIo {
  const f = parseKeyValueLines(text);
  const need = (key: string): number => {
    const value = Number(f.get(key));
    if (!f.has(key) || !Number.isFinite(value))
      throw malformed(file, `malformed io: no ${key} line`, lineCount(text));
    return value;
  };
  return {
    rchar: need('rchar'),
    wchar: need('wchar'),
    syscr: need('syscr'),
    syscw: need('syscw'),
    readBytes: need('read_bytes'),
    writeBytes: need('write_bytes'),
    cancelledWriteBytes: need('cancelled_write_bytes'),
  };
}

export function readIo(pid: number, procRoot = '/proc'): ProcIo {
  const file = `${procRoot}/${pid}/io`;
  return parseIo(readProcText(file), file);
}
