/**
 * The same few files of many processes (stat, status, cmdline of every PID), read in one go.
 * With the hog_procread addon (native/procread) one native call reads them all; without it (no C
 * compiler at install, or HOG_PROCREAD_ADDON=none) each file is read here when asked for. Either way
 * a file comes back as bytes, or as the errno code of the failed read (ENOENT: the process is gone).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
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

let addon: ProcReadAddon | null | undefined;

function loadAddon(): ProcReadAddon | undefined {
  if (addon !== undefined) return addon ?? undefined;
  addon = null;
  const override = process.env.HOG_PROCREAD_ADDON;
  if (override === 'none') return undefined;
  // beside the CLI bundle (dist/cli-bundle -> dist/native), or from src/proc when run from source
  const path = (
    override ? [override] : ['../native/hog_procread.node', '../../dist/native/hog_procread.node']
  )
    .map((p) => (override ? p : fileURLToPath(new URL(p, import.meta.url))))
    .find((p) => existsSync(p));
  if (path === undefined) return undefined;
  try {
    addon = createRequire(import.meta.url)(path) as ProcReadAddon;
  } catch {
    addon = null;
  }
  return addon ?? undefined;
}

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

export function readProcFiles(
  procRoot: string,
  pids: readonly number[],
  names: readonly string[],
  options: { javascript?: boolean } = {},
): ProcFileSet {
  const native = options.javascript ? undefined : loadAddon();
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
