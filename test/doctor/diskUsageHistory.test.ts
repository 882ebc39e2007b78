/**
 * The doctor's disk.usage ETA from what hog serve recorded: a tmpfs whose recorded used space grows
 * by a known rate is called filling, with the ETA the rate gives; without a serve store the check says
 * there is no history.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { diskUsage } from '../../src/doctor/checks/diskUsage.js';
import { createDoctorContext } from '../../src/doctor/context.js';
import { ServeWriter } from '../../src/store/serveWriter.js';
import { Store } from '../../src/store/store.js';
import { canMount, skipWithout } from '../helpers/capabilities.js';
import { removeTree, tempDir } from '../helpers/disk.js';
import { tick } from '../serve/ticks.js';

const NOW = 1_800_000_000_000;
const skip = skipWithout('disk.usage from serve history', canMount);
const root = tempDir('hog-serve-doctor');
const data = join(root, 'fs', 'data');
const proc = join(root, 'proc');

function majorMinor(dev: number): string {
  const d = BigInt(dev);
  return `${((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn)}:${(d & 0xffn) | ((d >> 12n) & ~0xffn)}`;
}

beforeAll(() => {
  if (skip) return;
  mkdirSync(data, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', `hog-test-serve-${process.pid}`, data]);
  mkdirSync(join(proc, 'self'), { recursive: true });
  writeFileSync(
    join(proc, 'self', 'mountinfo'),
    `100 1 ${majorMinor(statSync(data).dev)} / /data rw,relatime - tmpfs tmpfs rw\n`,
  );
});
afterAll(() => {
  if (!skip) execFileSync('umount', ['-l', data]);
  removeTree(root);
});

function context(dbPath: string) {
  const c = createDoctorContext(
    { procRoot: proc, sysRoot: '/sys', etcRoot: '/etc', fsRoot: join(root, 'fs') },
    manualClock(NOW),
    true,
  );
  c.dbPath = dbPath;
  return c;
}

describe.skipIf(skip)("disk.usage with hog serve's history", () => {
  it('gives the ETA of the recorded fill rate', async () => {
    const s = statfsSync(data);
    const available = s.bavail * s.bsize;
    // full in one hour at this rate: critical (under 2 h)
    const rate = available / 3600;
    const dbPath = join(root, 'serve.db');
    const store = Store.openForWriting(dbPath);
    const writer = new ServeWriter(store.connection());
    for (let i = 0; i <= 30; i++) {
      const t = tick(NOW - (30 - i) * 60_000, { used: Math.round(1000 + rate * 60 * i) });
      t.mounts = t.mounts.map((m) => ({ ...m, mountpoint: '/data' }));
      writer.writeTick(t);
    }
    store.close();
    const findings = await diskUsage.run(context(dbPath));
    expect(findings.map((f) => f.severity)).toEqual(['critical']);
    expect(findings[0]?.title).toBe('/data is filling: full in about 1h (0% used)');
    const filling = findings[0]?.evidence.find((e) => e.label === 'filling at');
    expect(filling?.value).toBeCloseTo(rate, 3);
  });

  it('says there is no history without a serve store', async () => {
    const findings = await diskUsage.run(context(join(root, 'none.db')));
    expect(findings.map((f) => f.severity)).toEqual(['ok']);
    expect(findings[0]?.evidence.map((e) => e.text)).toEqual([
      'unknown: no recorded history (hog serve is not recording on this machine)',
    ]);
  });
});
