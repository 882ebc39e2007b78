/**
 * /proc/[pid]/statm — memory sizes in pages: size resident shared text lib data dt (proc_pid_statm(5)).
 * resident = VmRSS, shared = RssFile + RssShmem, size = VmSize. Kernel threads print all zeros (older
 * kernels print nothing); both parse as zeros. hog reads only the first three, from the bytes (one
 * parser for hog top, the recorder, hog serve and the profiler's probe, each with its own buffer).
 */

import { excerpt, type FileName, malformed } from './malformed.js';

export interface StatmSizes {
  size: number;
  resident: number;
  shared: number;
}

/**
 * size, resident and shared (the first three fields) straight from statm's bytes, without a string:
 * hog top reads statm of every process at every refresh (measured: a third of the time of
 * a parser that split the text).
 */
export function statmSizes(bytes: Buffer, file: FileName = '/proc/[pid]/statm'): StatmSizes {
  return statmSizesInto({ size: 0, resident: 0, shared: 0 }, bytes, bytes.length, file);
}

/**
 * statmSizes into a kept object, from the first `length` bytes of a kept buffer: the profiler's rss
 * probe (profiler/probe.ts) reads /proc/self/statm before every profiled line, and the recorder
 * (memory/processMemory.ts) statm of every target at every tick, where a string or an object per
 * reading would be a cost of its own.
 */
export function statmSizesInto(
  into: StatmSizes,
  bytes: Buffer,
  length: number,
  file: FileName = '/proc/[pid]/statm',
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
