import { describe, expect, it } from 'vitest';
import { parseNcduExport } from '../../src/disk/ncduParser.js';
import {
  FLAG_LINK_DUP,
  FLAG_OTHER_FS,
  FLAG_UNREADABLE,
  KIND_MASK,
  KIND_OTHER,
  KIND_SYMLINK,
} from '../../src/disk/scanTypes.js';
import { DiskTree } from '../../src/disk/tree.js';

const parse = (text: string | Buffer) =>
  new DiskTree(parseNcduExport(Buffer.isBuffer(text) ? text : Buffer.from(text), (why) => new Error(why)));

describe('parseNcduExport', () => {
  it('reads directories, files, symlinks, hard links, unreadable and excluded entries', () => {
    const tree = parse(`[1,2,{"progname":"ncdu","progver":"1.18","timestamp":1},
      [{"name":"/r/","asize":4096,"dsize":4096,"dev":7,"mtime":10},
       {"name":"a","asize":100,"dsize":4096,"ino":5,"hlnkc":true,"nlink":2,"mtime":20},
       [{"name":"sub","asize":4096,"dsize":4096,"read_error":true},
        {"name":"b","asize":100,"dsize":4096,"ino":5,"hlnkc":true}],
       {"name":"l","asize":3,"mode":41471,"notreg":true},
       {"name":"fifo","notreg":true},
       {"name":"mnt","excluded":"otherfs"},
       {"name":"extra","asize":1,"dsize":0,"uid":0,"gid":0,"nested":{"x":[1,{"y":null}]}}]]`);
    expect(tree.totals()).toEqual({
      allocatedBytes: 3 * 4096,
      apparentBytes: 4096 * 2 + 100 + 3 + 1,
      files: 4,
      directories: 2,
    });
    expect(tree.path(0)).toBe('/r');
    const byName = new Map([...Array(tree.count).keys()].map((i) => [tree.name(i), i]));
    expect(tree.flags(byName.get('b') as number) & FLAG_LINK_DUP).toBeTruthy();
    expect(tree.flags(byName.get('sub') as number) & FLAG_UNREADABLE).toBeTruthy();
    expect(tree.flags(byName.get('mnt') as number) & FLAG_OTHER_FS).toBeTruthy();
    expect((tree.raw.kind[byName.get('l') as number] as number) & KIND_MASK).toBe(KIND_SYMLINK);
    expect((tree.raw.kind[byName.get('fifo') as number] as number) & KIND_MASK).toBe(KIND_OTHER);
    expect(tree.newest(0)).toBe(20);
  });

  it('keeps names as bytes: escapes, \\u sequences with surrogates, raw bytes that are not UTF-8, namebase64', () => {
    const raw = Buffer.concat([
      Buffer.from('[1,2,{},[{"name":"/r"},{"name":"q\\"t\\\\n\\n\\u00e9\\ud83d\\ude00"},{"name":"raw-'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"},{"name":"lossy","namebase64":"YWL/"}]]'),
    ]);
    const tree = parse(raw);
    expect(tree.nameBytes(1)).toEqual(Buffer.from('q"t\\n\né😀'));
    expect(tree.nameBytes(2)).toEqual(Buffer.from([0x72, 0x61, 0x77, 0x2d, 0xff, 0xfe]));
    expect(tree.nameBytes(3)).toEqual(Buffer.from([0x61, 0x62, 0xff]));
  });

  it('says where the text stops being an export', () => {
    const error = (text: string) => {
      try {
        parse(text);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(error('{"a":1}')).toBe('expected [1, 2, {metadata}, [root...]] as ncdu writes it');
    expect(error('[2,0,{},[{"name":"/"}]]')).toMatch(/major version 1/);
    expect(error('[1,2,{},[{"name":"/"},{"name":"x"')).toMatch(/expected "," or "}"|expected "," or "]"/);
    expect(error('[1,2,{},[{"name":"/"},{"name":"x}]]')).toBe('a string is not closed');
    expect(error('[1,2,{},{"name":"/"}]')).toMatch(/^the top entry must be a directory at byte \d+$/);
    expect(error('[1,2,{}]')).toMatch(/no root directory/);
    expect(error('[1,2,{},[{"asize":1}]]')).toMatch(/^an entry without a name/);
  });
});
