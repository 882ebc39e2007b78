/**
 * A reader of ncdu's JSON export (https://dev.yorhel.nl/ncdu/jsonfmt) that goes through the bytes once
 * and adds each entry to a RawScanBuilder, without an object per entry: JSON.parse of a million-entry
 * export takes ~700 MiB, this ~the size of the result. Names are bytes: ncdu writes a name that is not
 * UTF-8 as its raw bytes, and those survive; hog's own "namebase64" key restores them too.
 *
 *   [1, <minor>, {metadata}, [ {root info}, {file info}, [ {dir info}, ... ], ... ]]
 */
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

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

interface Info {
  name: Buffer | undefined;
  asize: number;
  dsize: number;
  mtime: number;
  dev: string | undefined;
  ino: string | undefined;
  hlnkc: boolean;
  notreg: boolean;
  readError: boolean;
  excluded: boolean;
  mode: number | undefined;
}

const ESCAPES: Record<number, number> = {
  34: 0x22,
  92: 0x5c,
  47: 0x2f,
  98: 8,
  102: 12,
  110: 10,
  114: 13,
  116: 9,
};

export function parseNcduExport(bytes: Buffer, fail: (why: string) => Error): RawScan {
  let pos = 0;
  const end = bytes.length;
  const where = () => `at byte ${pos}`;
  const skipSpace = () => {
    for (;;) {
      const c = bytes[pos];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else return;
    }
  };
  const peek = () => {
    skipSpace();
    return bytes[pos];
  };
  const expect = (ch: string) => {
    if (peek() !== ch.charCodeAt(0)) throw fail(`expected "${ch}" ${where()}`);
    pos++;
  };

  /** A JSON string as bytes (pos at its opening quote). */
  const readString = (): Buffer => {
    if (peek() !== QUOTE) throw fail(`expected a string ${where()}`);
    pos++;
    const parts: Buffer[] = [];
    let from = pos;
    for (;;) {
      if (pos >= end) throw fail('a string is not closed');
      const c = bytes[pos];
      if (c === QUOTE) {
        parts.push(bytes.subarray(from, pos));
        pos++;
        return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
      }
      if (c !== BACKSLASH) {
        pos++;
        continue;
      }
      parts.push(bytes.subarray(from, pos));
      const e = bytes[pos + 1] as number;
      if (e === 0x75) {
        let code = Number.parseInt(bytes.toString('latin1', pos + 2, pos + 6), 16);
        pos += 6;
        // a surrogate pair: \ud83d\ude00
        if (code >= 0xd800 && code < 0xdc00 && bytes[pos] === BACKSLASH && bytes[pos + 1] === 0x75) {
          const low = Number.parseInt(bytes.toString('latin1', pos + 2, pos + 6), 16);
          if (low >= 0xdc00 && low < 0xe000) {
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            pos += 6;
          }
        }
        if (Number.isNaN(code)) throw fail(`a bad \\u escape ${where()}`);
        parts.push(Buffer.from(String.fromCodePoint(code)));
      } else {
        const byte = ESCAPES[e];
        if (byte === undefined) throw fail(`a bad escape ${where()}`);
        parts.push(Buffer.from([byte]));
        pos += 2;
      }
      from = pos;
    }
  };

  /** Numbers and true/false/null: letters, digits, sign, dot. */
  const atomChar = (c: number | undefined) =>
    c !== undefined &&
    ((c >= 0x30 && c <= 0x39) ||
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      c === 0x2d ||
      c === 0x2b ||
      c === 0x2e);
  const readAtom = (): string => {
    skipSpace();
    const from = pos;
    while (atomChar(bytes[pos])) pos++;
    if (pos === from) throw fail(`expected a value ${where()}`);
    return bytes.toString('latin1', from, pos);
  };

  /** Skip any value (metadata, keys hog does not use). */
  const skipValue = (): void => {
    const c = peek();
    if (c === QUOTE) {
      readString();
      return;
    }
    if (c === 0x5b || c === 0x7b) {
      const close = c === 0x5b ? 0x5d : 0x7d;
      pos++;
      if (peek() === close) {
        pos++;
        return;
      }
      for (;;) {
        if (c === 0x7b) {
          readString();
          expect(':');
        }
        skipValue();
        const next = peek();
        pos++;
        if (next === close) return;
        if (next !== 0x2c) throw fail(`expected "," ${where()}`);
      }
    }
    readAtom();
  };

  const number = (text: string) => {
    const n = Number(text);
    return Number.isFinite(n) && n >= 0 ? n : 0;
  };

  const readInfo = (): Info => {
    const info: Info = {
      name: undefined,
      asize: 0,
      dsize: 0,
      mtime: 0,
      dev: undefined,
      ino: undefined,
      hlnkc: false,
      notreg: false,
      readError: false,
      excluded: false,
      mode: undefined,
    };
    let base64: string | undefined;
    expect('{');
    if (peek() === 0x7d) {
      pos++;
      return info;
    }
    for (;;) {
      const key = readString().toString('latin1');
      expect(':');
      switch (key) {
        case 'name':
          info.name = readString();
          break;
        case 'namebase64':
          base64 = readString().toString('latin1');
          break;
        case 'asize':
          info.asize = number(readAtom());
          break;
        case 'dsize':
          info.dsize = number(readAtom());
          break;
        case 'mtime':
          info.mtime = number(readAtom());
          break;
        case 'dev':
          info.dev = readAtom();
          break;
        case 'ino':
          info.ino = readAtom();
          break;
        case 'mode':
          info.mode = number(readAtom());
          break;
        case 'hlnkc':
          info.hlnkc = readAtom() === 'true';
          break;
        case 'notreg':
          info.notreg = readAtom() === 'true';
          break;
        case 'read_error':
          info.readError = readAtom() === 'true';
          break;
        case 'excluded':
          skipValue();
          info.excluded = true;
          break;
        default:
          skipValue();
      }
      const next = peek();
      pos++;
      if (next === 0x7d) break;
      if (next !== 0x2c) throw fail(`expected "," or "}" ${where()}`);
    }
    if (base64 !== undefined) info.name = Buffer.from(base64, 'base64');
    return info;
  };

  const scan = new RawScanBuilder();
  const inodes = new Map<string, number>();

  const add = (
    info: Info,
    parent: number,
    parentDev: string | undefined,
    isDir: boolean,
  ): { index: number; dev: string | undefined } => {
    if (info.name === undefined) throw fail(`an entry without a name ${where()}`);
    let kind = isDir ? KIND_DIR : KIND_FILE;
    if (!isDir && info.notreg) {
      kind =
        info.mode !== undefined
          ? (info.mode & S_IFMT) === S_IFLNK
            ? KIND_SYMLINK
            : KIND_OTHER
          : info.asize > 0
            ? KIND_SYMLINK
            : KIND_OTHER;
    }
    if (info.excluded) kind |= FLAG_OTHER_FS;
    if (info.readError) kind |= FLAG_UNREADABLE;
    const dev = info.dev ?? parentDev;
    const index = scan.count;
    // hard links count once per (device, inode), at the first link in the file
    if (!isDir && info.hlnkc && info.ino !== undefined && !info.excluded) {
      const key = `${dev}:${info.ino}`;
      const group = inodes.get(key);
      if (group === undefined) {
        inodes.set(key, inodes.size);
        kind |= FLAG_HARDLINK;
      } else kind |= FLAG_LINK_DUP;
      scan.link(index, inodes.get(key) as number);
    }
    let name = info.name;
    // a root is a path: without a trailing slash, except "/" itself
    while (parent < 0 && name.length > 1 && name[name.length - 1] === 0x2f) name = name.subarray(0, -1);
    const other = info.excluded;
    scan.add(parent, name, kind, other ? 0 : info.asize, other ? 0 : info.dsize, info.mtime);
    return { index, dev };
  };

  if (peek() !== 0x5b) throw fail('expected [1, 2, {metadata}, [root...]] as ncdu writes it');
  pos++;
  if (readAtom() !== '1')
    throw fail('expected [1, 2, {metadata}, [root...]] as ncdu writes it (major version 1)');
  expect(',');
  readAtom();
  expect(',');
  skipValue();
  let roots = 0;
  while (peek() === 0x2c) {
    pos++;
    if (peek() !== 0x5b) throw fail(`the top entry must be a directory ${where()}`);
    pos++;
    const stack = [add(readInfo(), -1, undefined, true)];
    roots++;
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { index: number; dev: string | undefined };
      const c = peek();
      pos++;
      if (c === 0x5d) {
        stack.pop();
        continue;
      }
      if (c !== 0x2c) throw fail(`expected "," or "]" ${where()}`);
      const item = peek();
      if (item === 0x5b) {
        pos++;
        stack.push(add(readInfo(), top.index, top.dev, true));
      } else if (item === 0x7b) {
        add(readInfo(), top.index, top.dev, false);
      } else throw fail(`expected an entry ${where()}`);
    }
  }
  expect(']');
  if (roots === 0) throw fail('expected [1, 2, {metadata}, [root...]] as ncdu writes it (no root directory)');
  return scan.build({ topFiles: [], errors: [], vanished: 0, hardlinks: inodes.size, threads: 0 });
}
