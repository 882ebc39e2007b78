/**
 * A reader of ncdu's JSON export (https://dev.yorhel.nl/ncdu/jsonfmt) that goes through the bytes once
 * and adds each entry to a RawScanBuilder, without an object per entry: JSON.parse of a million-entry
 * export takes ~700 MiB, this ~the size of the result. Names are bytes: ncdu writes a name that is not
 * UTF-8 as its raw bytes, and those survive; hog's own "namebase64" key restores them too.
 *
 *   [1, <minor>, {metadata}, [ {root info}, {file info}, [ {dir info}, ... ], ... ]]
 */
import { JsonBytes } from './ncduJson.js';
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

const number = (text: string) => {
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 ? n : 0;
};

/** One entry's info object (pos at its "{"): the keys hog uses, the others skipped. */
function readInfo(json: JsonBytes): Info {
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
  json.expect('{');
  if (json.peek() === 0x7d) {
    json.pos++;
    return info;
  }
  for (;;) {
    const key = json.readString().toString('latin1');
    json.expect(':');
    if (key === 'namebase64') base64 = json.readString().toString('latin1');
    else readField(json, info, key);
    const next = json.peek();
    json.pos++;
    if (next === 0x7d) break;
    if (next !== 0x2c) throw json.fail(`expected "," or "}" ${json.where()}`);
  }
  if (base64 !== undefined) info.name = Buffer.from(base64, 'base64');
  return info;
}

/** The value of `key` into `info`. */
function readField(json: JsonBytes, info: Info, key: string): void {
  switch (key) {
    case 'name':
      info.name = json.readString();
      break;
    case 'asize':
      info.asize = number(json.readAtom());
      break;
    case 'dsize':
      info.dsize = number(json.readAtom());
      break;
    case 'mtime':
      info.mtime = number(json.readAtom());
      break;
    case 'dev':
      info.dev = json.readAtom();
      break;
    case 'ino':
      info.ino = json.readAtom();
      break;
    case 'mode':
      info.mode = number(json.readAtom());
      break;
    case 'hlnkc':
      info.hlnkc = json.readAtom() === 'true';
      break;
    case 'notreg':
      info.notreg = json.readAtom() === 'true';
      break;
    case 'read_error':
      info.readError = json.readAtom() === 'true';
      break;
    case 'excluded':
      json.skipValue();
      info.excluded = true;
      break;
    default:
      json.skipValue();
  }
}

/** The scan being built, and the hard-link groups found so far by (device, inode). */
class EntryAdder {
  readonly scan = new RawScanBuilder();
  readonly inodes = new Map<string, number>();

  constructor(private readonly json: JsonBytes) {}

  add(
    info: Info,
    parent: number,
    parentDev: string | undefined,
    isDir: boolean,
  ): { index: number; dev: string | undefined } {
    if (info.name === undefined) throw this.json.fail(`an entry without a name ${this.json.where()}`);
    let kind = isDir ? KIND_DIR : kindOfFile(info);
    if (info.excluded) kind |= FLAG_OTHER_FS;
    if (info.readError) kind |= FLAG_UNREADABLE;
    const dev = info.dev ?? parentDev;
    const index = this.scan.count;
    // hard links count once per (device, inode), at the first link in the file
    if (!isDir && info.hlnkc && info.ino !== undefined && !info.excluded) {
      const key = `${dev}:${info.ino}`;
      const group = this.inodes.get(key);
      if (group === undefined) {
        this.inodes.set(key, this.inodes.size);
        kind |= FLAG_HARDLINK;
      } else kind |= FLAG_LINK_DUP;
      this.scan.link(index, this.inodes.get(key) as number);
    }
    let name = info.name;
    // a root is a path: without a trailing slash, except "/" itself
    while (parent < 0 && name.length > 1 && name[name.length - 1] === 0x2f) name = name.subarray(0, -1);
    const other = info.excluded;
    this.scan.add(parent, name, kind, other ? 0 : info.asize, other ? 0 : info.dsize, info.mtime);
    return { index, dev };
  }
}

/** A non-directory's kind: a regular file, else (notreg) a symlink by its mode, or by having a size. */
function kindOfFile(info: Info): number {
  if (!info.notreg) return KIND_FILE;
  if (info.mode !== undefined) return (info.mode & S_IFMT) === S_IFLNK ? KIND_SYMLINK : KIND_OTHER;
  return info.asize > 0 ? KIND_SYMLINK : KIND_OTHER;
}

const SHAPE = 'expected [1, 2, {metadata}, [root...]] as ncdu writes it';

export function parseNcduExport(bytes: Buffer, fail: (why: string) => Error): RawScan {
  const json = new JsonBytes(bytes, fail);
  const adder = new EntryAdder(json);
  if (json.peek() !== 0x5b) throw fail(SHAPE);
  json.pos++;
  if (json.readAtom() !== '1') throw fail(`${SHAPE} (major version 1)`);
  json.expect(',');
  json.readAtom();
  json.expect(',');
  json.skipValue();
  let roots = 0;
  while (json.peek() === 0x2c) {
    json.pos++;
    if (json.peek() !== 0x5b) throw fail(`the top entry must be a directory ${json.where()}`);
    json.pos++;
    readRoot(json, adder);
    roots++;
  }
  json.expect(']');
  if (roots === 0) throw fail(`${SHAPE} (no root directory)`);
  return adder.scan.build({
    topFiles: [],
    errors: [],
    vanished: 0,
    hardlinks: adder.inodes.size,
    threads: 0,
  });
}

/** One root directory and everything in it (pos after its "["), depth-first without recursion. */
function readRoot(json: JsonBytes, adder: EntryAdder): void {
  const stack = [adder.add(readInfo(json), -1, undefined, true)];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { index: number; dev: string | undefined };
    const c = json.peek();
    json.pos++;
    if (c === 0x5d) {
      stack.pop();
      continue;
    }
    if (c !== 0x2c) throw json.fail(`expected "," or "]" ${json.where()}`);
    const item = json.peek();
    if (item === 0x5b) {
      json.pos++;
      stack.push(adder.add(readInfo(json), top.index, top.dev, true));
    } else if (item === 0x7b) {
      adder.add(readInfo(json), top.index, top.dev, false);
    } else throw json.fail(`expected an entry ${json.where()}`);
  }
}
