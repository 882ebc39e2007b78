/**
 * hog watch end to end on real processes: bad PIDs, permissions, a process that dies mid-run, Ctrl-C,
 * and a live leak found with --until-verdict.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canSwitchUser, skipWithout } from '../helpers/capabilities.js';
import { json, runHog, startHog, stopStartedHogs } from '../helpers/hog.js';
import { spawnAllocator, spawnNode, waitFor } from '../helpers/processes.js';
import { storedSamples, tempDir } from '../helpers/store.js';

const tmp = tempDir('watch');
const db = join(tmp.dir, 'hog.db');
const env = { HOG_DB: db };
afterAll(() => {
  stopStartedHogs();
  tmp.remove();
});

interface WatchJson {
  run: number;
  stoppedBy: string;
  series: {
    label: string;
    pid: number;
    samples: number;
    endReason: string | null;
    verdict: { class: string; fit?: { slopeBytesPerMinute: number } };
  }[];
  notes: { kind: string; text: string }[];
}

const startWatch = (args: string[]) => startHog(['watch', ...args], env);

describe('hog watch', () => {
  it('rejects a PID that does not exist (exit 2) and PSS of another user as an ordinary user (exit 3)', async () => {
    const missing = await runHog(['watch', '4194303'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^hog: no process with PID 4194303$/m);
    if (skipWithout('watch --pss as nobody', canSwitchUser)) return;
    const rootsChild = await spawnAllocator(5);
    try {
      const denied = await runHog(
        ['watch', String(rootsChild.pid), '--pss', '--db', '/tmp/never-created.db'],
        { uid: 65534 },
      );
      expect(denied.code).toBe(3);
      expect(denied.stderr).toMatch(/^hog: PSS\/USS of PID \d+ \(node\) are not readable by this user$/m);
      expect(denied.stderr).toMatch(/^hint: run hog as root/m);
    } finally {
      await rootsChild.stop();
    }
  });

  it('refuses a kernel thread (exit 2) and stores nothing, with --heap too', async () => {
    // PID 2 is kthreadd in the initial PID namespace; in a container it may be a user process
    const stat = readFileSync('/proc/2/stat', 'utf8');
    const flags = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[6]);
    if ((flags & 0x00200000) === 0) {
      console.log('skipped: PID 2 is not a kernel thread here (a PID namespace)');
      return;
    }
    const kdb = join(tmp.dir, 'kthread.db');
    for (const extra of [[], ['--heap']]) {
      const result = await runHog(['watch', '2', '-d', '2', ...extra], { env: { HOG_DB: kdb } });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^hog: PID 2 \(kthreadd\) is a kernel thread: it has no user memory to watch$/m,
      );
      expect(result.stdout).toBe('');
      expect(existsSync(kdb)).toBe(false); // no store created, no run stored
    }
    // and in an existing store, no run is added
    const before = await runHog(['runs', '--json'], { env: { HOG_DB: db } });
    const refused = await runHog(['watch', '2'], { env });
    expect(refused.code).toBe(2);
    const after = await runHog(['runs', '--json'], { env: { HOG_DB: db } });
    expect(after.stdout).toBe(before.stdout);
  });

  it('keeps the data and notes the exit when the watched process dies mid-run', async () => {
    const target = await spawnAllocator(30);
    const hog = startWatch([String(target.pid), '-i', '0.1', '--json']);
    try {
      await waitFor(() => storedSamples(db).filter((s) => s.pid === target.pid).length >= 5, 'five samples');
    } finally {
      await target.stop();
    }
    expect(await hog.done).toBe(0);
    const out = JSON.parse(hog.stdout()) as WatchJson;
    expect(out.stoppedBy).toBe('targets-gone');
    expect(out.series[0]?.endReason).toBe('exited');
    expect(out.series[0]?.samples).toBeGreaterThanOrEqual(5);
    expect(out.notes.map((n) => n.text)).toContain(`PID ${target.pid} (node) exited`);
  });

  it('stops cleanly on Ctrl-C (SIGINT) and keeps everything recorded', async () => {
    const target = await spawnAllocator(10);
    try {
      const hog = startWatch([String(target.pid), '-i', '0.1']);
      await waitFor(() => hog.stdout().includes('Ctrl-C stops'), 'the start line');
      const before = await waitFor(() => {
        const n = storedSamples(db).filter((s) => s.pid === target.pid).length;
        return n >= 5 ? n : undefined;
      }, 'five samples');
      hog.child.kill('SIGINT');
      expect(await hog.done).toBe(0);
      expect(hog.stdout()).toMatch(/hog watch: run \d+, \d+s \(stopped\)/);
      expect(hog.stdout()).toMatch(/PID \d+ \(node\): RSS .* samples/);
      expect(storedSamples(db).filter((s) => s.pid === target.pid).length).toBeGreaterThanOrEqual(before);
    } finally {
      await target.stop();
    }
  });

  it('--until-verdict finds a live 60 MiB/min leak and stops', async () => {
    // keeps 512 KiB every 0.5 s, with 8 MiB of garbage made and collected every second
    const leaker = spawnNode(
      `require('v8').setFlagsFromString('--expose-gc'); const gc = require('vm').runInNewContext('gc');
       const k = []; let g = []; setInterval(() => k.push(Buffer.alloc(512 * 1024, 1)), 500);
       setInterval(() => { g = g.length ? [] : [Buffer.alloc(8 * 1024 * 1024, 2)]; gc(); }, 1000);`,
    );
    try {
      const result = await runHog(['watch', String(leaker.pid), '-i', '0.25', '--until-verdict', '--json'], {
        env: { ...env },
        timeoutMs: 50_000,
      });
      expect(result.code, result.stderr).toBe(0);
      const out = json<WatchJson>(result);
      expect(out.stoppedBy).toBe('verdict');
      expect(out.series[0]?.verdict.class).toBe('leaking');
      const slope = (out.series[0]?.verdict.fit?.slopeBytesPerMinute ?? 0) / 1024 / 1024;
      expect(slope).toBeGreaterThan(45);
      expect(slope).toBeLessThan(90);
    } finally {
      leaker.kill('SIGKILL');
    }
  });
});
