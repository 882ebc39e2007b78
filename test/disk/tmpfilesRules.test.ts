/**
 * tmpfiles.d parsing on captured files (Debian 12's tmp.conf, systemd-tmp.conf, man-db.conf) and a
 * hand-written one with quotes, age prefixes, "~", specifiers and malformed lines; the reader's
 * masking order; systemd-tmpfiles' age rule on fixture timestamps (ctime cannot be set back on a
 * real file, so the rule is proved here and end to end only for a freshly created file).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agedOut, TempRules, youngestTime } from '../../src/disk/tempRules.js';
import {
  DEFAULT_AGE_BY,
  parseTimespan,
  parseTmpfiles,
  readTmpfilesRules,
  tmpfilesGlob,
} from '../../src/disk/tmpfilesRules.js';
import { removeTree, tempDir } from '../helpers/disk.js';
import { FIXTURES } from '../helpers/hog.js';

const DIR = join(FIXTURES, 'tmpfiles');
const DAY = 86400_000;

describe('parseTmpfiles', () => {
  it("reads Debian's tmp.conf: /tmp with no age", () => {
    const parsed = readTmpfilesRules([DIR]);
    const tmp = parsed.lines.find((l) => l.path === '/tmp' && l.type === 'D');
    expect(tmp).toMatchObject({ type: 'D', bootOnly: false, source: `${DIR}/debian-tmp.conf:11` });
    expect(tmp?.age).toBeUndefined();
    expect(parsed.lines.find((l) => l.path === '/var/cache/man')?.age?.seconds).toBe(7 * 86400);
  });

  it('quotes, age prefixes, "~", fixed specifiers; per-user specifiers and bad lines are left out', () => {
    const { lines, errors } = parseTmpfiles(
      `q /var/tmp 1777 root root 30d
e "/srv/spool dir/*" - - - m:2h30min
d %C/app 0755 - - ~1w
x /tmp/keep-*
d /run/user/%U 0700 - - 1d
D! /tmp/.X11-unix 1777 root root 10d
Zz /tmp/bad-type
d relative/path - - - 1d
d /tmp/bad-age - - - 10fortnights
f /etc/motd - - - -`,
      'local.conf',
    );
    expect(lines.map((l) => [l.type, l.path, l.age?.seconds])).toEqual([
      ['q', '/var/tmp', 30 * 86400],
      ['e', '/srv/spool dir/*', 9000],
      ['d', '/var/cache/app', 7 * 86400],
      ['x', '/tmp/keep-*', undefined],
      ['D', '/tmp/.X11-unix', 10 * 86400],
      ['f', '/etc/motd', undefined],
    ]);
    expect(lines[1]?.age?.by.file).toEqual({ atime: false, ctime: false, mtime: true, btime: false });
    expect(lines[2]?.age?.belowFirstLevel).toBe(true);
    expect(lines[4]?.bootOnly).toBe(true);
    expect(errors).toEqual([
      { source: 'local.conf:7', message: 'unknown type "Zz"' },
      { source: 'local.conf:8', message: 'path "relative/path" is not absolute' },
      { source: 'local.conf:9', message: 'bad age "10fortnights"' },
    ]);
  });

  it('time spans as systemd writes them', () => {
    expect(parseTimespan('10d')).toBe(864000);
    expect(parseTimespan('1w 2d')).toBe(9 * 86400);
    expect(parseTimespan('90')).toBe(90);
    expect(parseTimespan('5min')).toBe(300);
    expect(parseTimespan('1h30m')).toBe(5400);
    expect(parseTimespan('ten days')).toBeUndefined();
  });

  it('globs stop at "/" and at a leading "."', () => {
    const re = tmpfilesGlob('/tmp/systemd-private-*-*');
    expect(re.test('/tmp/systemd-private-abc-x')).toBe(true);
    expect(re.test('/tmp/systemd-private-abc-x/tmp')).toBe(false);
    expect(tmpfilesGlob('/tmp/*').test('/tmp/.hidden')).toBe(false);
    expect(tmpfilesGlob('/tmp/[a-c]x').test('/tmp/bx')).toBe(true);
  });
});

describe('readTmpfilesRules', () => {
  let root: string;
  afterEach(() => removeTree(root));
  it('a file in an earlier directory masks the same name later; /dev/null disables; name order across dirs', () => {
    root = tempDir('tmpfiles');
    for (const d of ['etc', 'lib']) mkdirSync(join(root, d));
    writeFileSync(join(root, 'lib', 'a.conf'), 'q /var/tmp - - - 30d\n');
    writeFileSync(join(root, 'etc', 'a.conf'), 'q /var/tmp - - - 5d\n');
    writeFileSync(join(root, 'lib', 'b.conf'), 'x /tmp/vendor-*\n');
    symlinkSync('/dev/null', join(root, 'etc', 'b.conf'));
    writeFileSync(join(root, 'lib', '0-first.conf'), 'd /var/cache/x - - - 1d\n');
    const parsed = readTmpfilesRules([join(root, 'etc'), join(root, 'missing'), join(root, 'lib')]);
    expect(parsed.lines.map((l) => [l.path, l.age?.seconds])).toEqual([
      ['/var/cache/x', 86400],
      ['/var/tmp', 5 * 86400],
    ]);
    expect(parsed.errors).toEqual([]);
  });
});

describe('TempRules', () => {
  const rules = new TempRules(readTmpfilesRules([DIR]));
  it('/tmp and /var/tmp, plus the directories tmpfiles.d ages; boot-only ages are not used', () => {
    const tmp = rules.roots[rules.rootOf('/tmp')];
    expect(tmp?.ageSeconds).toBeUndefined();
    expect(rules.roots[rules.rootOf('/var/tmp')]?.ageSeconds).toBe(30 * 86400);
    expect(rules.roots[rules.rootOf('/var/cache/man')]?.ageSeconds).toBe(7 * 86400);
    expect(rules.roots[rules.rootOf('/srv/spool dir/a')]?.ageSeconds).toBe(9000);
    expect(rules.rootOf('/tmp/.X11-unix')).toBe(-1);
    expect(rules.rootOf('/home')).toBe(-1);
  });
  it('x excludes a tree, X only the entry itself; %b matches any boot ID', () => {
    expect(rules.excludesTree('/tmp/keep-this')).toBe(`${DIR}/local.conf:5`);
    expect(rules.excludesTree('/tmp/systemd-private-0123abc-nginx.service-X')).toMatch(
      /systemd-tmp\.conf:\d+$/,
    );
    expect(rules.excludesTree('/var/tmp/shallow')).toBeUndefined();
    expect(rules.excludesEntry('/var/tmp/shallow')).toBe(`${DIR}/local.conf:6`);
    expect(rules.excludesEntry('/tmp/main.py')).toBeUndefined();
  });
  it('a path with a line of its own is not cleaned with its directory (a separate entry exists)', () => {
    expect(rules.ownLine('/tmp/.X11-unix')).toBe(`${DIR}/local.conf:8`);
    expect(rules.ownLine('/var/cache/app')).toBe(`${DIR}/local.conf:4`);
    expect(rules.ownLine('/tmp/systemd-private-abc')).toMatch(/systemd-tmp\.conf:\d+$/); // R! glob
    expect(rules.ownLine('/tmp/main.py')).toBeUndefined();
  });
});

describe("systemd-tmpfiles' age rule", () => {
  const now = 1_800_000_000_000;
  const cutoff = now - 10 * DAY;
  const old = now - 30 * DAY;
  it('a file is old only when atime, mtime and ctime are all before the cutoff', () => {
    const all = { atimeMs: old, mtimeMs: old, ctimeMs: old, birthtimeMs: old };
    expect(agedOut(all, false, cutoff)).toBe(true);
    // a main.py copied with cp -p: old mtime and atime, new ctime
    expect(agedOut({ ...all, ctimeMs: now - DAY }, false, cutoff)).toBe(false);
    expect(agedOut({ ...all, atimeMs: now - DAY }, false, cutoff)).toBe(false);
    expect(agedOut({ ...all, birthtimeMs: now - DAY }, false, cutoff)).toBe(false);
    expect(agedOut({ ...all, birthtimeMs: 0 }, false, cutoff)).toBe(true); // not recorded: not looked at
    expect(youngestTime({ ...all, ctimeMs: now - DAY }, false)).toBe(now - DAY);
  });
  it('a directory is judged by its own atime and mtime, not its ctime', () => {
    const dir = { atimeMs: old, mtimeMs: old, ctimeMs: now, birthtimeMs: 0 };
    expect(agedOut(dir, true, cutoff)).toBe(true);
    expect(agedOut({ ...dir, mtimeMs: now }, true, cutoff)).toBe(false);
    expect(agedOut(dir, false, cutoff)).toBe(false);
    expect(DEFAULT_AGE_BY.dir.ctime).toBe(false);
  });
});
