/**
 * Saved scans in ncdu's JSON export format (https://dev.yorhel.nl/ncdu/jsonfmt), so a scan saved by
 * `hog disk -o` opens in ncdu -f and gdu -f, and hog disk -f reads theirs:
 *   [1, 2, {"progname": ..., "timestamp": ...}, [ {root info}, {file}, [ {dir info}, ...children ] ]]
 * Each entry: name, asize (st_size), dsize (st_blocks * 512), mtime; "notreg" for symlinks and other
 * non-regular files, "read_error" for unreadable directories, "excluded": "otherfs" for mount points
 * not entered, and for hard links "ino" + "hlnkc" (readers count an inode once per device).
 * Names that are not UTF-8 are written lossily in "name" with their bytes in "namebase64" (ncdu ignores
 * keys it does not know).
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { errnoCode, NotFoundError, PermissionError, quote, UsageError } from '../errors.js';
import { RawScanBuilder } from './rawScanBuilder.js';
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
import type { DiskTree } from './tree.js';

const VERSION = '0.1.0';

function nameJson(bytes: Buffer): string {
  const text = JSON.stringify(bytes.toString('utf8'));
  return isUtf8(bytes) ? `"name":${text}` : `"name":${text},"namebase64":"${bytes.toString('base64')}"`;
}

/** Write the whole tree to `file` ('-' for stdout) in chunks, never holding the whole text. */
export async function writeNcduExport(tree: DiskTree, file: string, nowMs: number): Promise<void> {
  let fd: number;
  try {
    fd = file === '-' ? 1 : openSync(file, 'w', 0o644);
  } catch (error) {
    const code = errnoCode(error);
    const Err = code === 'EACCES' || code === 'EPERM' ? PermissionError : UsageError;
    throw new Err(`cannot write the export to ${quote(file)}: ${(error as Error).message}`, {
      hint: 'give a path in a writable directory, or - for stdout',
      cause: error,
    });
  }
  let chunk = '';
  const flush = (force = false) => {
    if (chunk.length < 1 << 16 && !force) return;
    const buffer = Buffer.from(chunk);
    for (let off = 0; off < buffer.length; ) off += writeSync(fd, buffer, off);
    chunk = '';
  };
  const groupOf = new Map<number, number>();
  const groupSize = new Map<number, number>();
  const { links } = tree.raw;
  for (let k = 0; k < links.entry.length; k++) {
    const g = links.group[k] as number;
    groupOf.set(links.entry[k] as number, g);
    groupSize.set(g, (groupSize.get(g) ?? 0) + 1);
  }
  const info = (i: number, name = tree.nameBytes(i)): string => {
    const flags = tree.flags(i);
    const type = tree.type(i);
    const parts = [nameJson(name)];
    if (flags & FLAG_OTHER_FS) parts.push('"excluded":"otherfs"');
    else {
      parts.push(`"asize":${tree.raw.apparent[i]}`, `"dsize":${tree.raw.allocated[i]}`);
    }
    parts.push(`"mtime":${tree.mtime(i)}`);
    if (type === 'symlink' || type === 'other') parts.push('"notreg":true');
    if (flags & FLAG_UNREADABLE) parts.push('"read_error":true');
    const group = groupOf.get(i);
    if (group !== undefined)
      parts.push(`"ino":${group + 1}`, '"hlnkc":true', `"nlink":${groupSize.get(group)}`);
    return `{${parts.join(',')}}`;
  };
  try {
    chunk += `[1,2,{"progname":"hog","progver":"${VERSION}","timestamp":${Math.floor(nowMs / 1000)}}`;
    // depth-first without recursion: deep trees must not overflow the stack
    const stack: { entry: number; next: number }[] = [];
    for (const root of tree.roots()) {
      if (!tree.isDir(root)) {
        // ncdu's format needs a directory at the top: a file root becomes a one-entry listing
        const path = tree.pathBytes(root);
        const slash = path.lastIndexOf(0x2f);
        const dir = slash > 0 ? path.subarray(0, slash) : Buffer.from('/');
        chunk += `,\n[{${nameJson(dir)}},${info(root, path.subarray(slash + 1))}]`;
        continue;
      }
      chunk += `,\n[${info(root)}`;
      stack.push({ entry: root, next: 0 });
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as { entry: number; next: number };
        const children = tree.children(top.entry);
        if (top.next >= children.length) {
          chunk += ']';
          stack.pop();
          flush();
          continue;
        }
        const child = children[top.next++] as number;
        if (tree.isDir(child) && !(tree.flags(child) & FLAG_OTHER_FS)) {
          chunk += `,\n[${info(child)}`;
          stack.push({ entry: child, next: 0 });
        } else {
          chunk += `,\n${info(child)}`;
        }
        flush();
      }
    }
    chunk += ']\n';
    flush(true);
  } finally {
    if (fd !== 1) closeSync(fd);
  }
}

interface NcduInfo {
  name?: unknown;
  namebase64?: unknown;
  asize?: unknown;
  dsize?: unknown;
  mtime?: unknown;
  dev?: unknown;
  ino?: unknown;
  hlnkc?: unknown;
  notreg?: unknown;
  read_error?: unknown;
  excluded?: unknown;
  mode?: unknown;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function invalid(file: string, why: string): UsageError {
  return new UsageError(`not a saved scan: ${quote(file)}: ${why}`, {
    hint: 'hog disk -f reads the JSON export of hog disk -o, ncdu -o or gdu -o (gzip-compressed or not)',
  });
}

/** Read a saved scan ('-' for stdin) into the walker's shape. Hard links count once per (dev, ino), at the first link. */
export async function readNcduExport(file: string): Promise<RawScan> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file === '-' ? 0 : file);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT')
      throw new NotFoundError(`no such file: ${quote(file)}`, {
        hint: 'give the file written by hog disk -o FILE',
        cause: error,
      });
    if (code === 'EACCES')
      throw new PermissionError(`permission denied: ${quote(file)}`, {
        hint: 'run as a user who may read it',
        cause: error,
      });
    if (code === 'EISDIR') throw invalid(file, 'it is a directory (to scan it, give it as PATH)');
    throw error;
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw invalid(file, `broken gzip data (${(error as Error).message})`);
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw invalid(file, `not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(data) || data[0] !== 1 || data.length < 4) {
    throw invalid(file, 'expected [1, 2, {metadata}, [root...]] as ncdu writes it');
  }
  const scan = new RawScanBuilder();
  const seen = new Map<string, { group: number }>();
  const add = (item: unknown, p: number, dev: unknown, isRoot: boolean): { index: number; dev: unknown } => {
    const isDir = Array.isArray(item);
    const raw = (isDir ? item[0] : item) as NcduInfo;
    if (typeof raw !== 'object' || raw === null || typeof raw.name !== 'string')
      throw invalid(file, 'an entry without a name');
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
    let k = isDir ? KIND_DIR : KIND_FILE;
    if (!isDir && raw.notreg === true) {
      k = typeof raw.mode === 'number' && (raw.mode & S_IFMT) === S_IFLNK ? KIND_SYMLINK : KIND_OTHER;
      if (raw.mode === undefined && num(raw.asize) > 0) k = KIND_SYMLINK;
    }
    if (raw.excluded !== undefined) k |= FLAG_OTHER_FS;
    if (raw.read_error === true) k |= FLAG_UNREADABLE;
    const entryDev = raw.dev ?? dev;
    const index = scan.count;
    if (!isDir && raw.hlnkc === true && raw.ino !== undefined && !(k & FLAG_OTHER_FS)) {
      const key = `${String(entryDev)}:${String(raw.ino)}`;
      const known = seen.get(key);
      if (known) k |= FLAG_LINK_DUP;
      else {
        seen.set(key, { group: seen.size });
        k |= FLAG_HARDLINK;
      }
      scan.link(index, (seen.get(key) as { group: number }).group);
    }
    const name =
      typeof raw.namebase64 === 'string' ? Buffer.from(raw.namebase64, 'base64') : Buffer.from(raw.name);
    // a root is a path: without a trailing slash, except "/" itself
    let stored = name;
    while (isRoot && stored.length > 1 && stored[stored.length - 1] === 0x2f) stored = stored.subarray(0, -1);
    const other = (k & FLAG_OTHER_FS) !== 0;
    scan.add(p, stored, k, other ? 0 : num(raw.asize), other ? 0 : num(raw.dsize), num(raw.mtime));
    return { index, dev: entryDev };
  };

  for (const top of data.slice(3)) {
    if (!Array.isArray(top)) throw invalid(file, 'the top entry must be a directory');
    const stack: { items: unknown[]; next: number; index: number; dev: unknown }[] = [];
    const root = add(top, -1, undefined, true);
    stack.push({ items: top, next: 1, index: root.index, dev: root.dev });
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as (typeof stack)[number];
      if (frame.next >= frame.items.length) {
        stack.pop();
        continue;
      }
      const item = frame.items[frame.next++];
      const added = add(item, frame.index, frame.dev, false);
      if (Array.isArray(item)) stack.push({ items: item, next: 1, index: added.index, dev: added.dev });
    }
  }
  return scan.build({ topFiles: [], errors: [], vanished: 0, hardlinks: seen.size, threads: 0 });
}
