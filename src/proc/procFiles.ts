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

interface ProcReadAddon {
  readFiles(
    dir: string,
    pids: readonly number[],
    names: readonly string[],
  ): { data: Buffer; spans: Int32Array };
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
  const native = options.javascript
    ? undefined
    : loadAddon<ProcReadAddon>('hog_procread.node', 'HOG_PROCREAD_ADDON').addon;
  const column = new Map(names.map((name, i) => [name, i]));
  if (native) {
    const { data, spans } = native.readFiles(procRoot, pids, names);
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
