/**
 * The same few files of many processes (stat, status, cmdline of every PID), read in one go.
 * With the hog_procread addon (native/procread) one native call reads them all; without it (no C
 * compiler at install, or HOG_PROCREAD_ADDON=none) each file is read here when asked for. Either way
 * a file comes back as bytes, or as the errno code of the failed read (ENOENT: the process is gone).
 */
import { constants } from 'node:os';
import { loadAddon } from '../addon.js';
import { errnoCode } from '../errors.js';
import { readProcBytes } from './procFile.js';

interface ReadResult {
  data: Buffer;
  spans: Int32Array;
}

/** A native kept reader (native/procread/kept.c); opaque here. */
type KeptHandle = object & { readonly kept: unique symbol };

interface ProcReadAddon {
  readFiles(dir: string, pids: readonly number[], names: readonly string[]): ReadResult;
  keptOpen(dir: string, names: readonly string[]): KeptHandle;
  keptRead(handle: KeptHandle, pids: readonly number[]): ReadResult;
  keptSweep(handle: KeptHandle): number;
  keptClose(handle: KeptHandle): void;
  keptOpenCount(handle: KeptHandle): number;
}

export interface ProcFileSet {
  /** The bytes of file `name` of pids[index], or the errno code ("ENOENT", ...) it failed with. */
  get(index: number, name: string): Buffer | string;
  /** Which reader read them, for diagnostics and tests. */
  readonly reader: 'native' | 'javascript';
}

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

export function readProcFiles(
  procRoot: string,
  pids: readonly number[],
  names: readonly string[],
  options: { javascript?: boolean } = {},
): ProcFileSet {
  const native = options.javascript ? undefined : procReadAddon();
  if (native) return nativeSet(native.readFiles(procRoot, pids, names), names);
  return javascriptSet(procRoot, pids);
}

function procReadAddon(): ProcReadAddon | undefined {
  return loadAddon<ProcReadAddon>('hog_procread.node', 'HOG_PROCREAD_ADDON').addon;
}

/** The addon's bytes and spans (two numbers per file: start and length, or -errno and -1). */
function nativeSet({ data, spans }: ReadResult, names: readonly string[]): ProcFileSet {
  const column = new Map(names.map((name, i) => [name, i]));
  return {
    reader: 'native',
    get(index, name) {
      const k = (index * names.length + (column.get(name) ?? -1)) * 2;
      const start = spans[k] as number;
      const length = spans[k + 1] as number;
      if (length < 0) return ERRNO_NAMES.get(-start) ?? `errno ${-start}`;
      return data.subarray(start, start + length);
    },
  };
}

function javascriptSet(procRoot: string, pids: readonly number[]): ProcFileSet {
  return {
    reader: 'javascript',
    get(index, name) {
      try {
        return readProcBytes(`${procRoot}/${pids[index]}/${name}`);
      } catch (error) {
        const code = errnoCode(error);
        if (code === undefined) throw error;
        return code;
      }
    },
  };
}

/**
 * The same reads, refresh after refresh, on descriptors kept open (native/procread/kept.c): a pread
 * of a kept /proc/PID/stat costs the kernel a third of an open, read and close (hog top reads two
 * files of every process every refresh). A kept descriptor reads ESRCH once its process is gone, also
 * when the PID has been given to another process, and the file is then opened again by path; a
 * process whose files would come from two processes on one PID reads as gone for that refresh.
 * Call sweep() once per refresh: the files of processes not read since the last sweep are closed.
 * Without the addon every read opens, reads and closes, as readProcFiles.
 */
export class KeptProcFiles {
  private readonly native = procReadAddon();
  private readonly handles = new Map<string, KeptHandle>();

  constructor(private readonly procRoot: string) {}

  read(pids: readonly number[], names: readonly string[]): ProcFileSet {
    if (!this.native) return javascriptSet(this.procRoot, pids);
    const key = names.join('\0');
    let handle = this.handles.get(key);
    if (handle === undefined) {
      handle = this.native.keptOpen(this.procRoot, names);
      this.handles.set(key, handle);
    }
    return nativeSet(this.native.keptRead(handle, pids), names);
  }

  /** Close the files of the processes no read asked for since the last sweep; how many processes. */
  sweep(): number {
    let closed = 0;
    for (const handle of this.handles.values()) closed += this.native?.keptSweep(handle) ?? 0;
    return closed;
  }

  /** Descriptors held open now, for tests and diagnostics. */
  get openDescriptors(): number {
    let open = 0;
    for (const handle of this.handles.values()) open += this.native?.keptOpenCount(handle) ?? 0;
    return open;
  }

  close(): void {
    for (const handle of this.handles.values()) this.native?.keptClose(handle);
    this.handles.clear();
  }
}
