/**
 * `hog disk -f FILE`: a scan saved earlier, read back into the walker's shape. Two kinds of file:
 * ncdu's JSON export (written by hog disk -o, ncdu -o, gdu -o; every entry) and hog disk's own --json
 * report (only what it listed: the rest of each directory is kept as one folded remainder, so the
 * totals stay those of the scan). gzip-compressed files are read as well.
 */
import { readFileSync } from 'node:fs';
import { errnoCode, NotFoundError, PermissionError, quote, UsageError } from '../errors.js';
import { parseNcduExport } from './ncduParser.js';
import { RawScanBuilder } from './rawScanBuilder.js';
import type { EntryReport } from './scanReport.js';
import {
  FLAG_HARDLINK,
  FLAG_LINK_DUP,
  FLAG_OTHER_FS,
  FLAG_UNREADABLE,
  KIND_DIR,
  KIND_FILE,
  KIND_OTHER,
  KIND_SYMLINK,
  type RawScan,
} from './scanTypes.js';

function invalid(file: string, why: string): UsageError {
  return new UsageError(`not a saved scan: ${quote(file)}: ${why}`, {
    hint: 'hog disk -f reads hog disk --json reports and the JSON exports of hog disk -o, ncdu -o or gdu -o (gzip-compressed or not)',
  });
}

export async function readSavedScan(file: string): Promise<RawScan> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file === '-' ? 0 : file);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') {
      throw new NotFoundError(`no such file: ${quote(file)}`, {
        hint: 'give the file written by hog disk -o FILE',
        cause: error,
      });
    }
    if (code === 'EACCES') {
      throw new PermissionError(`permission denied: ${quote(file)}`, {
        hint: 'run as a user who may read it',
        cause: error,
      });
    }
    if (code === 'EISDIR') throw invalid(file, 'it is a directory (to scan it, give it as PATH)');
    throw error;
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      const { gunzipSync } = await import('node:zlib');
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw invalid(file, `broken gzip data (${(error as Error).message})`);
    }
  }
  const first = bytes.toString('latin1', 0, 64).trimStart()[0];
  if (first === '{') return parseScanReport(bytes, (why) => invalid(file, why));
  return parseNcduExport(bytes, (why) => invalid(file, why));
}

const TYPES: Record<string, number> = {
  file: KIND_FILE,
  directory: KIND_DIR,
  symlink: KIND_SYMLINK,
  other: KIND_OTHER,
};
const FLAGS: Record<string, number> = {
  unreadable: FLAG_UNREADABLE,
  'other-filesystem': FLAG_OTHER_FS,
  hardlink: FLAG_HARDLINK,
  'hardlink-counted-elsewhere': FLAG_LINK_DUP,
};

/** A hog disk --json report as a tree: the entries it lists, and per directory a remainder for the rest. */
export function parseScanReport(bytes: Buffer, fail: (why: string) => Error): RawScan {
  let report: { roots?: unknown; walker?: unknown; hardlinks?: unknown };
  try {
    report = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw fail(`not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(report.roots) || typeof report.walker !== 'object') {
    throw fail('a JSON object, but not a hog disk --json report (it has no "roots")');
  }
  const scan = new RawScanBuilder();
  for (const root of report.roots as EntryReport[]) addReportEntry(scan, root, -1, fail);
  return scan.build({
    topFiles: [],
    errors: [],
    vanished: 0,
    hardlinks: Number(report.hardlinks) || 0,
    threads: 0,
  });
}

type Bytes = { alloc: number; app: number };

/** One listed entry into the tree, then its listed children below it; a directory folds what is not listed. */
function addReportEntry(
  scan: RawScanBuilder,
  e: EntryReport,
  parent: number,
  fail: (why: string) => Error,
): void {
  if (typeof e.path !== 'string' || typeof e.allocatedBytes !== 'number')
    throw fail('an entry without path or size');
  const path = e.pathBase64 !== undefined ? Buffer.from(e.pathBase64, 'base64') : Buffer.from(e.path);
  const name = parent < 0 ? path : path.subarray(path.lastIndexOf(0x2f) + 1);
  let kind = TYPES[e.type] ?? KIND_OTHER;
  for (const f of e.flags ?? []) kind |= FLAGS[f] ?? 0;
  const mtime = Math.floor(Date.parse(e.newestMtime) / 1000) || 0;
  const children = e.children ?? [];
  const listed = listedTotals(children);
  const rest = e.more ?? { entries: 0, allocatedBytes: 0, apparentBytes: 0 };
  const isDir = (kind & 0x0f) === KIND_DIR;
  const own = ownBytes(e, isDir, listed, rest);
  const index = scan.add(parent, name, kind, own.app, own.alloc, mtime);
  if (isDir) {
    const foldedAlloc = children.length > 0 ? rest.allocatedBytes : e.allocatedBytes;
    const foldedApp = children.length > 0 ? rest.apparentBytes : e.apparentBytes;
    const foldedFiles = e.files - listed.files;
    if (foldedAlloc > 0 || foldedApp > 0 || foldedFiles > 0)
      scan.fold(index, foldedApp, foldedAlloc, foldedFiles, mtime);
  }
  for (const c of children) addReportEntry(scan, c, index, fail);
}

/** What the listed children hold together. */
function listedTotals(children: readonly EntryReport[]): Bytes & { files: number } {
  const listed = { alloc: 0, app: 0, files: 0 };
  for (const c of children) {
    listed.alloc += c.allocatedBytes;
    listed.app += c.apparentBytes;
    listed.files += c.files;
  }
  return listed;
}

/**
 * An entry's own inode size: a file's is its size; a directory's is what its total leaves after what
 * is listed and the remainder; a directory listed without children is all remainder.
 */
function ownBytes(
  e: EntryReport,
  isDir: boolean,
  listed: Bytes,
  rest: { allocatedBytes: number; apparentBytes: number },
): Bytes {
  if (!isDir) return { alloc: e.allocatedBytes, app: e.apparentBytes };
  if ((e.children ?? []).length === 0) return { alloc: 0, app: 0 };
  return {
    alloc: e.allocatedBytes - listed.alloc - rest.allocatedBytes,
    app: e.apparentBytes - listed.app - rest.apparentBytes,
  };
}
