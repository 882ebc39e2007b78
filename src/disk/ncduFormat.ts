/**
 * Writing a scan in ncdu's JSON export format (https://dev.yorhel.nl/ncdu/jsonfmt), so a scan saved by
 * `hog disk -o` opens in ncdu -f and gdu -f (and in hog disk -f: savedScan.ts, ncduParser.ts):
 *   [1, 2, {"progname": ..., "timestamp": ...}, [ {root info}, {file}, [ {dir info}, ...children ] ]]
 * Each entry: name, asize (st_size), dsize (st_blocks * 512), mtime; "notreg" for symlinks and other
 * non-regular files, "read_error" for unreadable directories, "excluded": "otherfs" for mount points
 * not entered, and for hard links "ino" + "hlnkc" (readers count an inode once per device).
 * Names that are not UTF-8 are written lossily in "name" with their bytes in "namebase64" (ncdu ignores
 * keys it does not know).
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, writeSync } from 'node:fs';
import { errnoCode, PermissionError, quote, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { FLAG_OTHER_FS, FLAG_UNREADABLE, KIND_MASK, KIND_OTHER, KIND_SYMLINK } from './scanTypes.js';
import type { DiskTree } from './tree.js';

/** `"name":...` for bytes[start, end): plain JSON for UTF-8, plus the bytes in base64 when they are not. */
function nameJson(bytes: Buffer, start = 0, end = bytes.length): string {
  let ascii = true;
  for (let k = start; k < end; k++) {
    if ((bytes[k] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  const text = JSON.stringify(bytes.toString('utf8', start, end));
  if (ascii) return `"name":${text}`;
  const view = bytes.subarray(start, end);
  return isUtf8(view) ? `"name":${text}` : `"name":${text},"namebase64":"${view.toString('base64')}"`;
}

/** Write the whole tree to `file` ('-' for stdout) in chunks, never holding the whole text. */
export async function writeNcduExport(tree: DiskTree, file: string, nowMs: number): Promise<void> {
  const fd = openExport(file);
  const out = new ChunkedOutput(fd);
  const info = entryInfo(tree);
  try {
    out.add(`[1,2,{"progname":"hog","progver":"${VERSION}","timestamp":${Math.floor(nowMs / 1000)}}`);
    for (const root of tree.roots()) writeRoot(tree, root, info, out);
    out.add(']\n');
    out.flush(true);
  } finally {
    if (fd !== 1) closeSync(fd);
  }
}

/** The export's file descriptor: stdout for '-', else the file created (or truncated) 0644. */
function openExport(file: string): number {
  try {
    return file === '-' ? 1 : openSync(file, 'w', 0o644);
  } catch (error) {
    const code = errnoCode(error);
    const Err = code === 'EACCES' || code === 'EPERM' ? PermissionError : UsageError;
    throw new Err(`cannot write the export to ${quote(file)}: ${(error as Error).message}`, {
      hint: 'give a path in a writable directory, or - for stdout',
      cause: error,
    });
  }
}

/** Text gathered into chunks of 64 KiB before each write. */
class ChunkedOutput {
  private chunk = '';

  constructor(private readonly fd: number) {}

  add(text: string): void {
    this.chunk += text;
  }

  /** Write what was gathered once it reaches a chunk (or now, with `force`). */
  flush(force = false): void {
    if (this.chunk.length < 1 << 16 && !force) return;
    const buffer = Buffer.from(this.chunk);
    for (let off = 0; off < buffer.length; ) off += writeSync(this.fd, buffer, off);
    this.chunk = '';
  }
}

/** One entry's object as ncdu writes it, built as one string (once per entry: a million times for a big scan). */
function entryInfo(tree: DiskTree): (i: number, name?: Buffer) => string {
  const groupOf = new Map<number, number>();
  const groupSize = new Map<number, number>();
  const { links } = tree.raw;
  for (let k = 0; k < links.entry.length; k++) {
    const g = links.group[k] as number;
    groupOf.set(links.entry[k] as number, g);
    groupSize.set(g, (groupSize.get(g) ?? 0) + 1);
  }
  const { kind, apparent, allocated, mtime, names, nameStart } = tree.raw;
  return (i, name) => {
    const k = kind[i] as number;
    let text = `{${name ? nameJson(name) : nameJson(names, nameStart[i], nameStart[i + 1])}`;
    text += k & FLAG_OTHER_FS ? ',"excluded":"otherfs"' : `,"asize":${apparent[i]},"dsize":${allocated[i]}`;
    text += `,"mtime":${mtime[i]}`;
    const type = k & KIND_MASK;
    if (type === KIND_SYMLINK || type === KIND_OTHER) text += ',"notreg":true';
    if (k & FLAG_UNREADABLE) text += ',"read_error":true';
    const group = groupOf.get(i);
    if (group !== undefined) text += `,"ino":${group + 1},"hlnkc":true,"nlink":${groupSize.get(group)}`;
    return `${text}}`;
  };
}

/** One root and everything below it, depth-first without recursion (deep trees must not overflow the stack). */
function writeRoot(
  tree: DiskTree,
  root: number,
  info: (i: number, name?: Buffer) => string,
  out: ChunkedOutput,
): void {
  if (!tree.isDir(root)) {
    // ncdu's format needs a directory at the top: a file root becomes a one-entry listing
    const path = tree.pathBytes(root);
    const slash = path.lastIndexOf(0x2f);
    const dir = slash > 0 ? path.subarray(0, slash) : Buffer.from('/');
    out.add(`,\n[{${nameJson(dir)}},${info(root, path.subarray(slash + 1))}]`);
    return;
  }
  out.add(`,\n[${info(root)}`);
  const stack: { children: Int32Array; next: number }[] = [{ children: tree.children(root), next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { children: Int32Array; next: number };
    const children = top.children;
    if (top.next >= children.length) {
      out.add(']');
      stack.pop();
      out.flush();
      continue;
    }
    const child = children[top.next++] as number;
    if (tree.isDir(child) && !(tree.flags(child) & FLAG_OTHER_FS)) {
      out.add(`,\n[${info(child)}`);
      stack.push({ children: tree.children(child), next: 0 });
    } else {
      out.add(`,\n${info(child)}`);
    }
    out.flush();
  }
}
