/**
 * hog disk [PATH...] end to end, as a user runs it: totals against du on a generated tree, the report,
 * categories, saved scans (hog's own and ncdu's), running as nobody, and bad input.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CategoryReport } from '../../src/disk/categoryReport.js';
import type { ScanReport } from '../../src/disk/scanReport.js';
import { defaultThreads } from '../../src/disk/walk.js';
import { canSwitchUser, skipWithout } from '../helpers/capabilities.js';
import { du, duAs, NOBODY, removeTree, tempDir } from '../helpers/disk.js';
import { FIXTURES, json, runHog } from '../helpers/hog.js';
import { makeSampleTree } from '../helpers/sampleTree.js';

let root: string;
beforeAll(() => {
  root = tempDir('cli');
  makeSampleTree(root);
});
afterAll(() => removeTree(root));

describe('hog disk PATH', () => {
  it('--json totals equal du -sB1 and du -sb, scanned by the native walker', async () => {
    const report = json<ScanReport>(await runHog(['disk', '--json', root]));
    expect(report.total.allocatedBytes).toBe(du(root, '-sB1'));
    expect(report.total.apparentBytes).toBe(du(root, '-sb'));
    expect(report.walker.kind).toBe('native');
    expect(report.roots[0]?.path).toBe(root);
    expect(report.roots[0]?.children?.length).toBeLessThanOrEqual(10);
    expect(report.errors).toEqual([]);
  });

  it('the JavaScript walker gives the same report', async () => {
    const native = json<ScanReport>(await runHog(['disk', '--json', '--depth', '2', root]));
    const js = json<ScanReport>(
      await runHog(['disk', '--json', '--depth', '2', root], { env: { HOG_DISK_WALKER: 'js' } }),
    );
    expect(js.walker.kind).toBe('js');
    expect(js.total).toEqual(native.total);
    expect(js.roots).toEqual(native.roots);
    expect(js.topFiles).toEqual(native.topFiles);
    expect(js.topDirectories).toEqual(native.topDirectories);
  });

  it('prints totals, the largest entries first, the largest files and directories', async () => {
    const result = await runHog(['disk', root]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^${root}: [\\d.]+ [KM]iB on disk \\(1\\.0 GiB apparent\\), [\\d,]+ files, [\\d,]+ directories$`,
      ),
    );
    expect(lines).toContain('Largest files:');
    expect(result.stdout).toMatch(/^\s+SIZE\s+%\s+FILES\s+MODIFIED CATEGORY PATH$/m);
    // the default thread count of this machine (16 up to 8 cores)
    expect(result.stdout).toMatch(
      new RegExp(
        `scanned in [\\d.]+ s by the native walker \\(${defaultThreads()} threads\\); 3 hard-linked files counted once`,
      ),
    );
    // the name with a newline prints on one line
    expect(result.stdout).not.toMatch(/^line\.txt/m);
    const sizes = lines
      .filter((l) => /^\s+[\d.]+ [KMG]?i?B\s+[\d.]+\s/.test(l))
      .map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '));
    expect(sizes.length).toBeGreaterThan(3);
  });

  it('--apparent ranks by bytes: the sparse file leads', async () => {
    const report = json<ScanReport>(await runHog(['disk', '--json', '--apparent', root]));
    expect(report.basis).toBe('apparent');
    expect(report.topFiles[0]?.path).toBe(join(root, 'sparse.img'));
    expect(report.topFiles[0]?.apparentBytes).toBe(1024 ** 3);
    expect(report.topFiles[0]?.allocatedBytes).toBeLessThan(64 * 1024);
  });

  it('--depth 0 prints the total and the largest files, not the tree', async () => {
    const result = await runHog(['disk', '--depth', '0', root]);
    expect(result.stdout).not.toMatch(/^\s+SIZE\s+%\s+FILES/m);
    expect(result.stdout).toMatch(/^Largest files:$/m);
    expect(
      json<ScanReport>(await runHog(['disk', '--json', '--depth', '0', root])).roots[0]?.children,
    ).toBeUndefined();
  });

  it('a file is reported as a file', async () => {
    const file = join(root, 'sparse.img');
    const result = await runHog(['disk', file]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`${file}: 8.0 KiB on disk (1.0 GiB apparent), a file`);
  });
});

describe('hog disk --by category', () => {
  it('splits the total into categories that add up to it, with age buckets', async () => {
    const dir = tempDir('cat');
    try {
      mkdirSync(join(dir, 'log'));
      writeFileSync(join(dir, 'log', 'app.log'), Buffer.alloc(200_000, 1));
      writeFileSync(join(dir, 'log', 'app.log.1'), Buffer.alloc(100_000, 1));
      mkdirSync(join(dir, '.cache'));
      writeFileSync(join(dir, '.cache', 'blob'), Buffer.alloc(50_000, 1));
      writeFileSync(join(dir, 'notes.txt.bak'), Buffer.alloc(10_000, 1));
      const report = json<CategoryReport>(
        await runHog(['disk', '--by', 'category', '--json', '--log-size', '150K', dir]),
      );
      const sum = report.categories.reduce((s, c) => s + c.allocatedBytes, 0);
      expect(sum).toBe(du(dir, '-sB1'));
      const logs = report.categories.find((c) => c.category === 'logs');
      expect(logs?.allocatedBytes).toBeGreaterThanOrEqual(300_000);
      expect(logs?.ageBytes[0]).toBe(logs?.allocatedBytes); // all written just now: "<1d"
      expect(report.categories.find((c) => c.category === 'caches')?.allocatedBytes).toBeGreaterThanOrEqual(
        50_000,
      );
      expect(report.categories.find((c) => c.category === 'backups')?.allocatedBytes).toBeGreaterThanOrEqual(
        10_000,
      );
      expect(report.logCandidates.map((c) => c.path)).toEqual([join(dir, 'log', 'app.log')]);
      expect(report.logCandidates[0]?.reasons).toEqual(['size']);
      const text = await runHog(['disk', '--by', 'category', dir]);
      expect(text.stdout).toMatch(
        /^CATEGORY\s+SIZE\s+%\s+ENTRIES\s+<1d\s+1-7d\s+7-30d\s+30d-1y\s+>1y MOSTLY$/m,
      );
      expect(text.stdout).toMatch(/^logs\s+/m);
    } finally {
      removeTree(dir);
    }
  });
});

describe('saved scans', () => {
  it('-o writes ncdu JSON that -f reads back to the same totals, gzip-compressed too', async () => {
    const dir = tempDir('export');
    try {
      const file = join(dir, 'scan.json');
      expect((await runHog(['disk', '-o', file, '--json', root])).code).toBe(0);
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      expect(saved[0]).toBe(1);
      expect(saved[2].progname).toBe('hog');
      const back = json<ScanReport>(await runHog(['disk', '-f', file, '--json']));
      expect(back.total.allocatedBytes).toBe(du(root, '-sB1'));
      expect(back.total.apparentBytes).toBe(du(root, '-sb'));
      expect(back.walker).toEqual({ kind: 'import', threads: 0, source: file });
      // names that are not UTF-8 keep their bytes
      expect(readFileSync(file, 'utf8')).toMatch(/"namebase64":"YmFkLf\/\+LXV0ZjguYmlu"/);
      const listed = json<ScanReport>(await runHog(['disk', '-f', file, '--json', '--top', '100']));
      const bad = listed.roots[0]?.children?.find((c) => c.pathBase64 !== undefined);
      expect(Buffer.from(bad?.pathBase64 ?? '', 'base64')).toEqual(
        Buffer.from(`${root}/bad-\xff\xfe-utf8.bin`, 'latin1'),
      );
      writeFileSync(`${file}.gz`, gzipSync(readFileSync(file)));
      expect(json<ScanReport>(await runHog(['disk', '-f', `${file}.gz`, '--json'])).total).toEqual(
        back.total,
      );
    } finally {
      removeTree(dir);
    }
  });

  it('reads back its own --json report: what it listed, and the same totals', async () => {
    const dir = tempDir('report');
    try {
      const file = join(dir, 'report.json');
      const saved = await runHog(['disk', '--json', '--depth', '2', '--top', '5', root]);
      writeFileSync(file, saved.stdout);
      const original = json<ScanReport>(saved);
      const back = json<ScanReport>(
        await runHog(['disk', '-f', file, '--json', '--depth', '2', '--top', '5']),
      );
      expect(back.total.allocatedBytes).toBe(original.total.allocatedBytes);
      expect(back.total.apparentBytes).toBe(original.total.apparentBytes);
      expect(back.total.files).toBe(original.total.files);
      expect(back.roots[0]?.children?.map((c) => [c.path, c.allocatedBytes])).toEqual(
        original.roots[0]?.children?.map((c) => [c.path, c.allocatedBytes]),
      );
    } finally {
      removeTree(dir);
    }
  });

  it("reads ncdu's own export (hard links counted once) and gdu's", async () => {
    // captured from `ncdu -eo` and `gdu -no` of one tree; du -sB1 said 331776, du -sb 105182237
    const ncdu = json<ScanReport>(await runHog(['disk', '-f', `${FIXTURES}disk/ncdu-1.18.json`, '--json']));
    expect(ncdu.total.allocatedBytes).toBe(331776);
    expect(ncdu.total.apparentBytes).toBe(105182237);
    expect(ncdu.roots[0]?.path).toBe('/tmp/ncdu-sample');
    const gdu = json<ScanReport>(
      await runHog(['disk', '-f', `${FIXTURES}disk/gdu-5.22.json`, '--json', '--apparent']),
    );
    expect(gdu.topFiles[0]).toMatchObject({ path: '/tmp/ncdu-sample/sparse', apparentBytes: 104857600 });
  });

  it("shows no age for ncdu's default export, which has no mtimes (not 56.9y, 1970)", async () => {
    // `ncdu -o` without -e (ncdu 1.18's default): the fixture above without uid, gid, mode and mtime
    const file = `${FIXTURES}disk/ncdu-1.18-no-mtime.json`;
    const result = await runHog(['disk', '-f', file], { env: { COLUMNS: '80' } });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    const head = lines.indexOf('     SIZE    % FILES MODIFIED CATEGORY PATH');
    expect(lines.slice(head + 1, head + 3)).toEqual([
      '324.0 KiB          4        - temp     /tmp/ncdu-sample/',
      '300.0 KiB 92.6     1        - logs       logs/',
    ]);
    expect(lines).toContain('296.0 KiB 293.0 KiB        - logs     /tmp/ncdu-sample/logs/app.log');
    expect(result.stdout).not.toMatch(/\d\.\dy /);
    // by category: unknown ages fill no age column and make no log "old"
    const byCategory = await runHog(['disk', '-f', file, '--by', 'category'], { env: { COLUMNS: '80' } });
    expect(byCategory.code, byCategory.stderr).toBe(0);
    expect(byCategory.stdout).toContain(
      'logs            300.0 KiB 92.6       2      -      -      -      -      - log 296K, in a log directory 4.0K',
    );
    expect(byCategory.stdout).toContain('No log is at least 100.0 MiB or older than 30d.');
  });

  it('says what is wrong with a file that is not a saved scan', async () => {
    const dir = tempDir('badscan');
    try {
      writeFileSync(join(dir, 'x.json'), '{"not": "ncdu"}');
      const result = await runHog(['disk', '-f', join(dir, 'x.json')]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^hog: not a saved scan: ".*x\.json": a JSON object, but not a hog disk --json report \(it has no "roots"\)/m,
      );
      expect(result.stderr).toMatch(
        /^hint: hog disk -f reads hog disk --json reports and the JSON exports of hog disk -o, ncdu -o or gdu -o/m,
      );
      writeFileSync(join(dir, 'y.json'), 'not json at all');
      expect((await runHog(['disk', '-f', join(dir, 'y.json')])).stderr).toMatch(
        /expected \[1, 2, \{metadata\}/,
      );
      expect((await runHog(['disk', '-f', join(dir, 'missing.json')])).stderr).toMatch(
        /^hog: no such file: /m,
      );
    } finally {
      removeTree(dir);
    }
  });
});

const noNobody = skipWithout('hog disk as nobody', canSwitchUser);

describe.skipIf(noNobody)('as nobody', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('nobody');
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'open'));
    writeFileSync(join(dir, 'open', 'a'), Buffer.alloc(30_000, 1));
    mkdirSync(join(dir, 'secret'));
    writeFileSync(join(dir, 'secret', 'b'), Buffer.alloc(90_000, 1));
    chmodSync(join(dir, 'secret'), 0o700);
  });
  afterAll(() => removeTree(dir));

  it('an unreadable directory: counted as du counts it, listed, and a note says how to see it', async () => {
    const result = await runHog(['disk', '--json', dir], { uid: NOBODY });
    const report = json<ScanReport>(result);
    expect(report.total.allocatedBytes).toBe(duAs(NOBODY, dir, '-sB1'));
    expect(report.total.apparentBytes).toBe(duAs(NOBODY, dir, '-sb'));
    expect(report.total.allocatedBytes).toBeLessThan(du(dir, '-sB1'));
    expect(report.errors).toEqual([
      {
        path: join(dir, 'secret'),
        code: 'EACCES',
        op: 'open',
        message: 'cannot read directory: permission denied',
      },
    ]);
    const text = await runHog(['disk', dir], { uid: NOBODY });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/secret\/ {2}\[unreadable: contents not counted\]/);
    expect(text.stderr).toMatch(
      /^note: 1 directory could not be read fully; what is inside is not counted: .*secret: cannot read directory: permission denied$/m,
    );
    expect(text.stderr).toMatch(/^note: run hog as root \(sudo\) to read what this user may not$/m);
  });

  it('permission denied at the root: exit 3 and the fix', async () => {
    const result = await runHog(['disk', join(dir, 'secret')], { uid: NOBODY });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `hog: permission denied: cannot read directory "${join(dir, 'secret')}"\nhint: run hog as root (sudo hog disk ${join(dir, 'secret')}) or as the directory's owner (see ls -ld ${join(dir, 'secret')})\n`,
    );
  });
});

describe('bad input', () => {
  it('a path that does not exist: exit 2, nothing printed on stdout', async () => {
    const result = await runHog(['disk', '/no/such/dir']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^hog: no such file or directory: "\/no\/such\/dir"\nhint: /);
  });

  it('a subcommand name given after options points at the subcommand', async () => {
    const result = await runHog(['disk', '--json', 'deleted']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/hint: check the path; to run the subcommand, write `hog disk deleted`/);
  });

  it('bad option values are refused with what is accepted', async () => {
    expect((await runHog(['disk', '--depth', 'x', root])).stderr).toMatch(
      /--depth must be a whole number from 0, got "x"/,
    );
    expect((await runHog(['disk', '--top', '0', root])).stderr).toMatch(
      /--top must be a positive whole number/,
    );
    expect((await runHog(['disk', '--by', 'owner', root])).stderr).toMatch(/Allowed choices are category/);
    expect((await runHog(['disk', '-i', '--json', root])).stderr).toMatch(/choose one of -i and --json/);
    expect((await runHog(['disk', '-f', 'x.json', root])).stderr).toMatch(
      /give either PATHs to scan or --import FILE/,
    );
    expect((await runHog(['disk', '--log-size', 'big', '--by', 'category', root])).stderr).toMatch(
      /--log-size: not a size: "big"/,
    );
  });
});
