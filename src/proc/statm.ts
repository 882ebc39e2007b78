/**
 * /proc/[pid]/statm — memory sizes in pages: size resident shared text lib data dt (proc_pid_statm(5)).
 * resident = VmRSS, shared = RssFile + RssShmem, size = VmSize. Kernel threads print all zeros (older
 * kernels print nothing); both parse as zeros.
 */

import { excerpt, malformed } from './malformed.js';
import { readProcText } from './procFile.js';

export interface ProcStatm {
  sizePages: number;
  residentPages: number;
  sharedPages: number;
  textPages: number;
  dataPages: number;
}

export function parseStatm(text: string, file = '/proc/[pid]/statm'): ProcStatm {
  const trimmed = text.trim();
  const fields = trimmed === '' ? [] : trimmed.split(/\s+/).map(Number);
  if (fields.some((n) => !Number.isFinite(n)) || (fields.length > 0 && fields.length < 7)) {
    throw malformed(file, `malformed statm: ${excerpt(trimmed)}`);
  }
  return {
    sizePages: fields[0] ?? 0,
    residentPages: fields[1] ?? 0,
    sharedPages: fields[2] ?? 0,
    textPages: fields[3] ?? 0,
    dataPages: fields[5] ?? 0,
  };
}

export function readStatm(pid: number, procRoot = '/proc'): ProcStatm {
  const file = `${procRoot}/${pid}/statm`;
  return parseStatm(readProcText(file), file);
}

/**
 * The first two fields of statm (size, resident), without splitting the line: the recorder's hot path
 * (memory/processMemory.ts) reads statm of every target at every tick.
 */
export function statmPages(text: string, file = '/proc/[pid]/statm'): { size: number; resident: number } {
  const first = text.indexOf(' ');
  const second = text.indexOf(' ', first + 1);
  const size = Number(text.slice(0, first));
  const resident = Number(text.slice(first + 1, second < 0 ? undefined : second));
  if (first < 0 || !Number.isFinite(size) || !Number.isFinite(resident)) {
    throw malformed(file, `malformed statm: ${excerpt(text)}`);
  }
  return { size, resident };
}

export interface StatmSizes {
  size: number;
  resident: number;
  shared: number;
}

/**
 * size, resident and shared (the first three fields) straight from statm's bytes, without a string:
 * hog top reads statm of every process at every refresh (a third of parseStatm's time).
 */
export function statmSizes(bytes: Buffer, file = '/proc/[pid]/statm'): StatmSizes {
  return statmSizesInto({ size: 0, resident: 0, shared: 0 }, bytes, bytes.length, file);
}

/**
 * statmSizes into a kept object, from the first `length` bytes of a kept buffer: the profiler's rss
 * probe (profiler/probe.ts) reads /proc/self/statm before every profiled line, where a string or an
 * object per reading would be a cost of its own.
 */
export function statmSizesInto(
  into: StatmSizes,
  bytes: Buffer,
  length: number,
  file = '/proc/[pid]/statm',
): StatmSizes {
  let size = 0;
  let resident = 0;
  let i = 0;
  for (let field = 0; field < 3; field++) {
    const start = i;
    let value = 0;
    for (; i < length; i++) {
      const c = bytes[i] as number;
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
    }
    // a number, then a space (or, for an empty statm of old kernels' kernel threads, nothing at all)
    if (i === start || i >= length || bytes[i] !== 32) {
      if (length === 0 || (length === 1 && bytes[0] === 10)) {
        into.size = 0;
        into.resident = 0;
        into.shared = 0;
        return into;
      }
      throw malformed(file, `malformed statm: ${excerpt(bytes.toString('latin1', 0, length).trim())}`);
    }
    if (field === 0) size = value;
    else if (field === 1) resident = value;
    else {
      into.size = size;
      into.resident = resident;
      into.shared = value;
    }
    i++;
  }
  return into;
}
