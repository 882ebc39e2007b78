/**
 * memory.leak-history over a real store: harmless without one, a warning for a live leaking process,
 * critical when its limit is near, info for one that has exited; and through `hog doctor --json`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realClock } from '../../src/clock.js';
import { leakHistory } from '../../src/doctor/checks/leakHistory.js';
import { createDoctorContext } from '../../src/doctor/context.js';
import type { Finding } from '../../src/doctor/finding.js';
import { readStat } from '../../src/proc/stat.js';
import { Store } from '../../src/store/store.js';
import { json, runHog } from '../helpers/hog.js';
import { spawnAllocator } from '../helpers/processes.js';
import { tempDir } from '../helpers/store.js';

const MiB = 1024 * 1024;
const tmp = tempDir('doctor');
afterAll(() => tmp.remove());

function context(dbPath: string) {
  const base = createDoctorContext(
    { procRoot: '/proc', sysRoot: '/sys', etcRoot: '/etc', fsRoot: '' },
    realClock,
  );
  return { ...base, dbPath };
}

function leaking(slopeMiBPerMinute: number) {
  return {
    class: 'leaking',
    reason: 'test',
    at: new Date().toISOString(),
    samples: 100,
    spanSeconds: 100,
    lastBytes: 100 * MiB,
    levelBytes: 90 * MiB,
    fit: {
      from: new Date(Date.now() - 100_000).toISOString(),
      to: new Date().toISOString(),
      seconds: 100,
      samples: 100,
      envelopePoints: 16,
      slopeBytesPerMinute: slopeMiBPerMinute * MiB,
      startBytes: 80 * MiB,
      ci95BytesPerMinute: [slopeMiBPerMinute * 0.9 * MiB, slopeMiBPerMinute * 1.1 * MiB],
      mannKendallP: 0.00001,
    },
  };
}

describe('memory.leak-history', () => {
  it('is ok without any recorded history, and does not create the store', async () => {
    const path = join(tmp.dir, 'absent.db');
    const [finding] = (await leakHistory.run(context(path))) as Finding[];
    expect(finding?.severity).toBe('ok');
    expect(finding?.title).toBe('no recorded memory history (hog run -- CMD or hog watch PID record it)');
    expect(existsSync(path)).toBe(false);
  });

  it('warns about a live leaking process, goes critical near its limit, and notes exited ones', async () => {
    const slow = await spawnAllocator(5);
    const fast = await spawnAllocator(5);
    try {
      const path = join(tmp.dir, 'history.db');
      const store = Store.open(path, { create: true });
      const run = store.createRun({
        kind: 'watch',
        command: 'test',
        host: 'h',
        startedAt: Date.now() - 100_000,
      });
      const add = (pid: number, startTicks: number, verdict: unknown) => {
        const id = store.addSeries(run, {
          role: 'main',
          pid,
          startTicks,
          name: 'node',
          command: 'node',
          startedAt: Date.now(),
        });
        store.setVerdict(id, verdict);
      };
      add(slow.pid, readStat(slow.pid).startTimeTicks, leaking(12));
      add(fast.pid, readStat(fast.pid).startTimeTicks, leaking(10 * 1024 * 1024)); // 10 TiB/min: any limit within the hour
      add(4194301, 1, leaking(3)); // no such process any more
      add(process.pid, readStat(process.pid).startTimeTicks, { ...leaking(1), class: 'stable' });
      store.close();

      const findings = (await leakHistory.run(context(path))) as Finding[];
      const about = (pid: number) => findings.find((f) => f.subjects?.[0]?.pid === pid);
      expect(about(slow.pid)?.severity).toBe('warning');
      expect(about(slow.pid)?.title).toMatch(
        new RegExp(`^PID ${slow.pid} \\(node\\) leaking \\+12\\.0 MiB/min, limit in ~`),
      );
      expect(about(slow.pid)?.next[0]).toBe(`hog plot ${run} -o run-${run}.svg`);
      expect(about(fast.pid)?.severity).toBe('critical');
      expect(about(4194301)?.severity).toBe('info');
      expect(about(4194301)?.title).toMatch(
        /was leaking \+3\.0 MiB\/min when recorded in run \d+; it has exited/,
      );
      expect(about(process.pid)).toBeUndefined();

      const doctor = await runHog(['doctor', '--json', '--only', 'memory.leak-history'], {
        env: { HOG_DB: path },
      });
      expect(doctor.code).toBe(2); // CRITICAL, Nagios style
      const report = json<{ findings: Finding[] }>(doctor);
      expect(report.findings.map((f) => f.severity)).toEqual(['critical', 'warning', 'info']);
    } finally {
      await slow.stop();
      await fast.stop();
    }
  });
});
