/**
 * `hog serve --scan DIR`: a real hog serve scans a tree this test writes, and /api/v1/disks answers its
 * folded tree with du's allocated bytes (st_blocks * 512, computed here from stat, not by hog), the
 * categories, and the scans per root; a wide directory is folded into "(N more)" within the node budget;
 * a missing DIR or a file is refused at start with exit 2; a scan does not block the event loop the
 * recorder ticks on (the native walker walks on its own threads).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { realClock } from '../../src/clock.js';
import type { SummaryNode } from '../../src/disk/scanSummary.js';
import { ServeScanner } from '../../src/serve/scanner.js';
import { latestScans } from '../../src/store/serveScans.js';
import { Store } from '../../src/store/store.js';
import { HOG_BIN } from '../helpers/hog.js';
import { waitFor } from '../helpers/processes.js';
import { api, startServe } from './webServe.js';

const dir = mkdtempSync(join(tmpdir(), `hog-serve-scan-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** du's size of a path: st_blocks * 512, directories with everything below them. */
function allocated(path: string): number {
  const st = statSync(path);
  let bytes = st.blocks * 512;
  if (st.isDirectory()) for (const name of readdirSync(path)) bytes += allocated(join(path, name));
  return bytes;
}

function write(path: string, size: number): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, Buffer.alloc(size, 7));
}

/** The expected summary of a small tree: every child, largest first, down to `depth` levels. */
function expected(path: string, name: string, level: number, depth: number): SummaryNode {
  const node: SummaryNode = { name, bytes: allocated(path) };
  if (level >= depth || !statSync(path).isDirectory()) return node;
  const children = readdirSync(path).map((n) => expected(join(path, n), n, level + 1, depth));
  if (children.length > 0) node.children = children.sort((a, b) => b.bytes - a.bytes);
  return node;
}

function count(node: SummaryNode): number {
  let n = 1;
  for (const c of node.children ?? []) n += count(c);
  return n;
}

interface Disks {
  lastScan: {
    root: string;
    t: number;
    tree: SummaryNode;
    bytes: number;
    entries: number;
    categories: { name: string; bytes: number }[];
  } | null;
  scans: { root: string; t: number; bytes: number }[];
}

describe('hog serve --scan', () => {
  it('stores the scanned tree, folded to 3 levels, with du bytes and categories, for /api/v1/disks', async () => {
    const root = join(dir, 'known');
    write(join(root, 'big', 'one.bin'), 300_000);
    write(join(root, 'big', 'two.bin'), 200_000);
    write(join(root, 'big', 'app.log'), 100_000);
    write(join(root, 'mid', 'three.bin'), 50_000);
    // level 4: folded into deep's level-3 node
    write(join(root, 'mid', 'deep', 'deeper', 'four.bin'), 40_000);
    write(join(root, 'small', 'five.bin'), 1_000);
    const wide = join(dir, 'wide');
    for (let i = 0; i < 400; i++) write(join(wide, 'w', `f${i}`), 100 + i);
    const serve = await startServe([
      '--db',
      join(dir, 'a.db'),
      '--interval',
      '1s',
      '--scan',
      root,
      '--scan',
      wide,
      '--scan-every',
      '1h',
    ]);
    try {
      const disks = await waitFor(
        async () => {
          const d = await api<Disks>(serve.url, '/api/v1/disks');
          return d.scans.length === 2 && d;
        },
        'both scans stored',
        20_000,
      );
      const roots = disks.scans.map((s) => s.root).sort();
      expect(roots).toEqual([root, wide]);
      expect(disks.scans.find((s) => s.root === root)?.bytes).toBe(allocated(root));
      expect(disks.scans.find((s) => s.root === wide)?.bytes).toBe(allocated(wide));
      // the newest is lastScan: both are asked for at once, so read the known tree from the store
      const store = Store.openForReading(join(dir, 'a.db'));
      const scans = latestScans(store.connection());
      store.close();
      const known = scans.find((s) => s.root === root);
      expect(known?.tree).toEqual(expected(root, root, 0, 3));
      expect(known?.tree.children?.map((c) => c.name)).toEqual(['big', 'mid', 'small']);
      expect(known?.bytes).toBe(allocated(root));
      // 6 files and 6 directories (the root, big, mid, deep, deeper, small)
      expect(known?.entries).toBe(12);
      const logs = known?.categories.find((c) => c.name === 'logs');
      expect(logs?.bytes).toBe(allocated(join(root, 'big', 'app.log')));
      expect(known?.categories.reduce((sum, c) => sum + c.bytes, 0)).toBe(allocated(root));
      // the wide tree: 400 files under w, folded so the whole tree stays within ~200 nodes
      const w = scans.find((s) => s.root === wide)?.tree.children?.[0];
      expect(w?.name).toBe('w');
      expect(count(scans.find((s) => s.root === wide)?.tree as SummaryNode)).toBeLessThanOrEqual(200);
      const more = w?.children?.at(-1);
      const kept = (w?.children?.length ?? 0) - 1;
      expect(more?.name).toBe(`(${400 - kept} more)`);
      expect(w?.children?.reduce((sum, c) => sum + c.bytes, 0)).toBe(
        allocated(join(wide, 'w')) - statSync(join(wide, 'w')).blocks * 512,
      );
      // lastScan is the newest of the two, whole
      const newest = scans[0];
      expect(disks.lastScan?.root).toBe(newest?.root);
      expect(disks.lastScan?.t).toBe(newest?.t);
      expect(disks.lastScan?.tree).toEqual(newest?.tree);
      expect(disks.lastScan?.categories).toEqual(newest?.categories);
      // the recorder ticked before and after the scans
      const db = new Database(join(dir, 'a.db'), { readonly: true });
      const scanT = Math.min(...disks.scans.map((s) => s.t));
      await waitFor(
        () => (db.prepare('SELECT count(*) FROM serve_host WHERE t > ?').pluck().get(scanT) as number) >= 2,
        'ticks after the scan',
        10_000,
      );
      expect(db.prepare('SELECT count(*) FROM serve_host WHERE t < ?').pluck().get(scanT)).not.toBe(0);
      db.close();
    } finally {
      await serve.stop();
    }
  });

  it('refuses a missing directory or a file at start, exit 2', () => {
    write(join(dir, 'plain'), 10);
    for (const [given, message] of [
      [join(dir, 'nowhere'), `hog: --scan: no such directory: "${join(dir, 'nowhere')}"`],
      [join(dir, 'plain'), `hog: --scan takes a directory, not a file: "${join(dir, 'plain')}"`],
    ] as const) {
      const result = spawnSync(
        HOG_BIN,
        ['serve', '--port', '0', '--db', join(dir, 'refused.db'), '--scan', given],
        { encoding: 'utf8', timeout: 20_000 },
      );
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toMatch(/hint: /);
    }
  });

  // the native walker, as npm run build makes it (the JavaScript fallback lists a directory at a time
  // and yields to the event loop every 100 ms, so it delays a tick by that much at most)
  for (const walker of ['native'] as const) {
    it(`a scan (${walker} walker) leaves the event loop free for the recorder's ticks`, async () => {
      const root = join(dir, `many-${walker}`);
      for (let d = 0; d < 40; d++) for (let f = 0; f < 250; f++) write(join(root, `d${d}`, `f${f}`), 10);
      const store = Store.openForWriting(join(dir, `loop-${walker}.db`));
      const previous = process.env.HOG_DISK_WALKER;
      process.env.HOG_DISK_WALKER = walker;
      let turns = 0;
      const timer = setInterval(() => turns++, 1);
      try {
        const scanner = new ServeScanner(store.connection(), {
          roots: [root],
          everyMs: 3_600_000,
          firstAfterMs: 0,
          clock: realClock,
          skipDevs: [],
          log: (line) => {
            throw new Error(line);
          },
          threads: 4,
        });
        // a blocking walk would finish before any timer runs: 10,041 entries take many turns
        await scanner.scanOne(root);
        expect(scanner.scans).toBe(1);
        expect(turns).toBeGreaterThan(1);
        expect(latestScans(store.connection())[0]?.entries).toBe(10_041);
      } finally {
        clearInterval(timer);
        if (previous === undefined) delete process.env.HOG_DISK_WALKER;
        else process.env.HOG_DISK_WALKER = previous;
        store.close();
      }
    });
  }
});
