/**
 * The store survives what a machine in trouble does to it: a full disk (a small tmpfs this test mounts)
 * pauses recording with a logged reason and the next tick that fits resumes it; kill -9 of a real
 * `hog serve` mid-write, again and again, leaves a database that passes integrity_check and that
 * hog serve opens again.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { ServeRecorder } from '../../src/serve/recorder.js';
import { DEFAULT_RETENTION } from '../../src/store/serveRetention.js';
import { Store } from '../../src/store/store.js';
import { tick } from './ticks.js';

const dir = mkdtempSync(join(tmpdir(), `hog-serve-durability-${process.pid}-`));
const HOG = join(import.meta.dirname, '../../bin/hog');
const mounted: string[] = [];
afterAll(() => {
  for (const m of mounted) execFileSync('umount', ['-l', m]);
  rmSync(dir, { recursive: true, force: true });
});

function mountTmpfs(path: string, size: string): boolean {
  mkdirSync(path, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'hog-test-full', path], { stdio: 'pipe' });
  } catch (error) {
    console.warn(`skipped: cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]})`);
    return false;
  }
  mounted.push(path);
  return true;
}

/** A tick with many processes and long command lines: ~150 KiB of rows. */
function bigTick(t: number) {
  const base = tick(t);
  const [app] = base.processes;
  if (!app) throw new Error('tick() makes one process');
  base.processes = Array.from({ length: 300 }, (_, i) => ({
    ...app,
    pid: 1000 + i,
    startTicks: t + i,
    command: `app ${'x'.repeat(500)} ${t} ${i}`,
  }));
  return base;
}

describe('a full disk', () => {
  it('pauses recording with a logged reason and resumes when space returns', async (context) => {
    const mount = join(dir, 'small');
    if (!mountTmpfs(mount, '2m')) return context.skip();
    const store = Store.openForWriting(join(mount, 'hog.db'));
    const db = store.connection();
    const clock = manualClock(Date.UTC(2030, 0, 1));
    const logs: string[] = [];
    const recorder = new ServeRecorder(
      db,
      { collect: async () => bigTick(clock.now()) },
      {
        clock,
        intervalMs: 1000,
        retention: DEFAULT_RETENTION,
        log: (line) => logs.push(line),
      },
    );
    await recorder.tick();
    expect(recorder.status.paused).toBeNull();
    // fill the filesystem, leaving less than a tick needs
    const s = statfsSync(mount);
    const filler = join(mount, 'filler');
    writeFileSync(filler, Buffer.alloc(Math.max(0, s.bavail * s.bsize - 16 * 1024)));
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      await recorder.tick();
    }
    expect(recorder.status.paused).toMatch(/^no space left for the store: /);
    expect(recorder.status.ticks).toBe(1);
    const paused = logs.filter((l) =>
      l.startsWith('hog serve: recording paused: no space left for the store'),
    );
    expect(paused.length).toBe(1); // said once, not at every tick
    unlinkSync(filler);
    clock.advance(1000);
    await recorder.tick();
    expect(recorder.status.paused).toBeNull();
    expect(recorder.status.ticks).toBe(2);
    expect(logs.at(-1)).toBe('hog serve: recording resumed: the store has space again');
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // the failed ticks left nothing behind: two ticks, whole
    expect(db.prepare('SELECT COUNT(*) FROM serve_host').pluck().get()).toBe(2);
    expect(db.prepare('SELECT COUNT(*) FROM serve_process_sample').pluck().get()).toBe(600);
    store.close();
  });
});

function startServe(db: string): ChildProcess {
  return spawn(HOG, ['serve', '--port', '0', '--db', db, '--interval', '10ms', '--connections', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function waitForTicks(db: string, atLeast: number, deadlineMs = 20_000): Promise<number> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    let n = 0;
    try {
      const reader = new Database(db, { readonly: true, fileMustExist: true });
      try {
        n = reader.prepare('SELECT COUNT(*) FROM serve_host').pluck().get() as number;
      } finally {
        reader.close();
      }
    } catch {
      // not created yet, or the schema not yet there
    }
    if (n >= atLeast) return n;
    if (Date.now() > end) throw new Error(`fewer than ${atLeast} ticks in ${db} after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kill -9 mid-write', () => {
  it('leaves a database that passes integrity_check and that hog serve reopens', async () => {
    const db = join(dir, 'killed.db');
    let ticks = 0;
    for (let round = 0; round < 5; round++) {
      const child = startServe(db);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      ticks = await waitForTicks(db, ticks + 5);
      // ticks every 10 ms: the kill lands in or between writes; a few rounds cover both
      await new Promise((r) => setTimeout(r, 7 * round));
      child.kill('SIGKILL');
      await exited;
      const check = new Database(db, { readonly: true });
      try {
        expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
        // a tick is whole: every tick with a host row has its processes
        const partial = check
          .prepare(
            'SELECT COUNT(*) FROM serve_host h WHERE NOT EXISTS (SELECT 1 FROM serve_process_sample s WHERE s.t = h.t)',
          )
          .pluck()
          .get();
        expect(partial).toBe(0);
      } finally {
        check.close();
      }
    }
    // the killed runs count as interrupted, not running: a new hog serve records again
    const child = startServe(db);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await waitForTicks(db, ticks + 5);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('refuses a second hog serve on a store another one is recording into', async () => {
    const db = join(dir, 'twice.db');
    const first = startServe(db);
    const exited = new Promise((resolve) => first.on('exit', resolve));
    try {
      await waitForTicks(db, 1);
      const second = spawn(HOG, ['serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      second.stderr?.on('data', (d) => {
        stderr += d;
      });
      const code = await new Promise((resolve) => second.on('exit', resolve));
      expect(code).toBe(2);
      expect(stderr).toMatch(
        new RegExp(`hog: hog serve \\(PID ${first.pid}\\) is already recording into ${db}`),
      );
    } finally {
      first.kill('SIGTERM');
      await exited;
    }
  }, 30_000);
});
