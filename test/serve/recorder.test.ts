/**
 * The recording loop with a known source and a clock that only moves when told: each tick is one
 * transaction, the slow work (retention, verdicts, findings) runs at its own cadence, and a leak in the
 * history is called a leak.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { ServeRecorder } from '../../src/serve/recorder.js';
import { DEFAULT_RETENTION } from '../../src/store/serveRetention.js';
import type { ServeTick } from '../../src/store/serveTick.js';
import { Store } from '../../src/store/store.js';
import { tick } from './ticks.js';

const dir = mkdtempSync(join(tmpdir(), `hog-serve-recorder-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2030, 0, 1);
const MiB = 1024 * 1024;

function setUp(name: string, make: (t: number, n: number) => ServeTick) {
  const store = Store.openForWriting(join(dir, name));
  const db = store.connection();
  const clock = manualClock(T0);
  const logs: string[] = [];
  let n = 0;
  const findingsRuns: number[] = [];
  const recorder = new ServeRecorder(
    db,
    { collect: async () => make(clock.now(), n++) },
    {
      clock,
      intervalMs: 1000,
      retention: DEFAULT_RETENTION,
      log: (line) => logs.push(line),
      findings: async () => {
        findingsRuns.push(clock.now());
        return [
          { id: 'disk.usage', severity: 'warn', title: '/data is 91% full', detail: 'x', fix: 'hog disk' },
        ];
      },
    },
  );
  return { store, db, clock, logs, recorder, findingsRuns };
}

describe('the serve recorder', () => {
  it('writes each tick, tells its listeners, and runs the slow work once a minute', async () => {
    const { store, db, clock, recorder, findingsRuns } = setUp('ticks.db', (t) => tick(t));
    const heard: number[] = [];
    recorder.onTick((t) => heard.push(t));
    for (let i = 0; i < 125; i++) {
      await recorder.tick();
      clock.advance(1000);
    }
    expect(db.prepare('SELECT COUNT(*) FROM serve_host').pluck().get()).toBe(125);
    expect(recorder.status.ticks).toBe(125);
    expect(heard.length).toBe(125);
    expect(heard[0]).toBe(T0);
    // findings at the first tick, then every 60 s
    expect(findingsRuns).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    expect(db.prepare('SELECT id, severity FROM serve_finding').all()).toEqual([
      { id: 'disk.usage', severity: 'warn' },
    ]);
    store.close();
  });

  it('calls a process whose memory floor keeps rising a leak, and a flat one steady', async () => {
    const { store, db, clock, recorder } = setUp('leak.db', (t, n) => {
      const base = tick(t);
      const app = base.processes[0];
      if (!app) throw new Error('tick() makes one process');
      return {
        ...base,
        processes: [
          // +1 MiB per second, with a GC-like sawtooth of 3 MiB on top
          { ...app, pid: 100, rssBytes: 100 * MiB + n * MiB + (n % 4) * MiB },
          { ...app, pid: 200, startTicks: 9, name: 'flat', rssBytes: 50 * MiB + (n % 3) * 4096 },
          // exits after 70 s
          ...(n < 70 ? [{ ...app, pid: 300, startTicks: 11, name: 'short', rssBytes: 20 * MiB }] : []),
        ],
      };
    });
    for (let i = 0; i < 181; i++) {
      await recorder.tick();
      clock.advance(1000);
    }
    const verdicts = Object.fromEntries(
      (db.prepare('SELECT pid, verdict FROM serve_process').all() as { pid: number; verdict: string }[]).map(
        (r) => [r.pid, JSON.parse(r.verdict)],
      ),
    );
    expect(verdicts[100].kind).toBe('leak');
    expect(verdicts[100].class).toBe('leaking');
    // 1 MiB/s: the floor's slope, within the sawtooth's spread
    expect(verdicts[100].slopeBytesPerSecond).toBeGreaterThan(0.9 * MiB);
    expect(verdicts[100].slopeBytesPerSecond).toBeLessThan(1.1 * MiB);
    expect(verdicts[200].kind).toBe('steady');
    // judged at each minute (T0, +60 s, +120 s, +180 s) while recorded; PID 300, last seen at +69 s,
    // keeps the verdict of +120 s instead of being judged again
    expect(verdicts[100].judgedAt).toBe(T0 + 180_000);
    expect(verdicts[300].judgedAt).toBe(T0 + 120_000);
    expect(verdicts[300].kind).toBe('steady');
    store.close();
  });

  it('skips a tick whose reading fails, with a log line, and goes on', async () => {
    let fail = true;
    const { store, db, logs, recorder } = setUp('fail.db', (t) => {
      if (fail) {
        fail = false;
        throw new Error('EIO reading /proc/meminfo');
      }
      return tick(t);
    });
    await recorder.tick();
    await recorder.tick();
    expect(logs).toEqual(['hog serve: reading the machine failed, tick skipped: EIO reading /proc/meminfo']);
    expect(db.prepare('SELECT COUNT(*) FROM serve_host').pluck().get()).toBe(1);
    store.close();
  });

  it('stops its loop when the signal aborts, without waiting out the interval', async () => {
    const { store, recorder } = setUp('loop.db', (t) => tick(t));
    const controller = new AbortController();
    recorder.onTick(() => {
      if (recorder.status.ticks === 3) controller.abort();
    });
    await recorder.run(controller.signal);
    expect(recorder.status.ticks).toBe(3);
    store.close();
  });
});
