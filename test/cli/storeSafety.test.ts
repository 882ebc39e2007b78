/**
 * The store must never harm what it is pointed at, nor the command it records (issue 10): another
 * program's SQLite file is refused and left byte-for-byte as it was; reading never creates; a writer
 * that holds the lock does not stop the recording or the command; a recorder killed with -9 leaves an
 * interrupted run, not one "running" forever; SIGHUP ends a recording as SIGTERM does; a corrupt file is
 * said so with the recovery; another user can read a root-owned store.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { canSwitchUser, skipWithout } from '../helpers/capabilities.js';
import { NOBODY } from '../helpers/disk.js';
import { HOG_BIN, json, runHog, startHog, stopStartedHogs } from '../helpers/hog.js';
import { spawnCommand, waitFor } from '../helpers/processes.js';
import { storedSamples, tempDir } from '../helpers/store.js';

const tmp = tempDir('store-safety');
const children: ChildProcess[] = [];
afterAll(() => {
  stopStartedHogs();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  tmp.remove();
});

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
/** The files beside `name` in the test directory (the store and any -wal, -shm, -journal). */
const filesOf = (dir: string, name: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith(name))
    .sort();

/** Another program's database: a `runs` table of its own, one row. */
function foreignDb(path: string, wal = false): void {
  const db = new Database(path);
  if (wal) db.pragma('journal_mode = WAL');
  db.exec("CREATE TABLE runs (name TEXT, miles REAL); INSERT INTO runs VALUES ('sunday', 10.5)");
  db.close();
}

interface RunsJson {
  runs: { id: number; state: string; startedAt: number; lastDataAt?: number; exitCode?: number }[];
}

describe("another program's SQLite file", () => {
  it('is refused by hog runs, hog plot and hog run (exit 2, a clear message) and left byte-for-byte unchanged', async () => {
    const dir = join(tmp.dir, 'foreign');
    spawnSync('mkdir', [dir]);
    const app = join(dir, 'app.db');
    foreignDb(app);
    const before = sha(app);
    const ran = join(dir, 'ran');
    for (const args of [
      ['runs', '--db', app],
      ['plot', 'last', '--db', app],
      ['plot', '1', '--db', app],
      ['run', '--db', app, '--', 'sh', '-c', `touch ${ran}; exit 7`],
      ['watch', String(process.pid), '--db', app, '-d', '1'],
    ]) {
      const result = await runHog(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain(
        `hog: ${app} is not a hog store: it holds tables hog did not make (runs)`,
      );
      expect(result.stderr).toMatch(/hint: give --db \(or HOG_DB\) a new file or an existing hog store/);
      expect(sha(app)).toBe(before);
      expect(filesOf(dir, 'app.db')).toEqual(['app.db']);
    }
    // refused before the command starts, as a bad -o path is: nothing ran, nothing to lose
    expect(existsSync(ran)).toBe(false);
    // the doctor's leak history reads the same store: one UNKNOWN finding that says why
    const doctor = await runHog(['doctor', '--only', 'memory.leak-history'], { env: { HOG_DB: app } });
    expect(doctor.code).toBe(3);
    expect(doctor.stdout.replace(/\s+/g, ' ')).toContain(
      `check memory.leak-history failed: ${app} is not a hog store: it holds tables hog did not make (runs)`,
    );
    expect(sha(app)).toBe(before);
    expect(filesOf(dir, 'app.db')).toEqual(['app.db']);
    const db = new Database(app, { readonly: true });
    expect(db.prepare('SELECT * FROM runs').all()).toEqual([{ name: 'sunday', miles: 10.5 }]);
    db.close();
  });

  it('in WAL mode, with its -wal file, is not checkpointed or changed either', async () => {
    const dir = join(tmp.dir, 'foreign-wal');
    spawnSync('mkdir', [dir]);
    const app = join(dir, 'app.db');
    // a writer that stays open keeps its pages in app.db-wal; a copy of both is what hog is given
    const writer = new Database(join(dir, 'live.db'));
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE runs (name TEXT); INSERT INTO runs VALUES (1)');
    writeFileSync(app, readFileSync(join(dir, 'live.db')));
    writeFileSync(`${app}-wal`, readFileSync(join(dir, 'live.db-wal')));
    writer.close();
    const before = [sha(app), sha(`${app}-wal`)];
    for (const args of [
      ['runs', '--db', app],
      ['run', '--db', app, '--', 'true'],
    ]) {
      const result = await runHog(args);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('is not a hog store');
    }
    expect([sha(app), sha(`${app}-wal`)]).toEqual(before);
  });
});

describe('reading', () => {
  it('never creates the store or its directory: hog runs, hog plot, hog doctor on a missing path', async () => {
    const missing = join(tmp.dir, 'not-yet', 'hog.db');
    const runs = await runHog(['runs', '--db', missing]);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toContain(`no recordings yet (${missing} does not exist)`);
    const plot = await runHog(['plot', 'last', '--db', missing]);
    expect(plot.code).toBe(2);
    expect(plot.stderr).toContain(`hog: no recordings yet: ${missing} does not exist`);
    const doctor = await runHog(['doctor', '--only', 'memory.leak-history', '--json'], {
      env: { HOG_DB: missing },
    });
    expect(doctor.stdout).toContain('no recorded memory history');
    expect(existsSync(join(tmp.dir, 'not-yet'))).toBe(false);
  });
});

describe('a store another writer has locked', () => {
  it('does not keep the command from running, passes its exit code through, and records what came after', async () => {
    const db = join(tmp.dir, 'locked.db');
    Store.open(db, { create: true }).close();
    const released = join(tmp.dir, 'released');
    const started = join(tmp.dir, 'started');
    // another process holds the write lock for ~3 s, then says when it let go
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(${JSON.stringify(db)});
         db.exec('BEGIN EXCLUSIVE'); console.log('locked');
         setTimeout(() => { db.exec('COMMIT'); db.close();
           require('fs').writeFileSync(${JSON.stringify(released)}, String(Date.now())); }, 3000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() },
    );
    children.push(holder);
    await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
    // the command starts during the lock, waits for its end, then runs half a second more
    const script = `date +%s%3N > ${started}; while [ ! -e ${released} ]; do sleep 0.05; done; sleep 0.5; exit 7`;
    const result = await runHog(['run', '--db', db, '-i', '0.05', '--', 'sh', '-c', script], {
      timeoutMs: 30_000,
    });
    expect(result.code, result.stderr).toBe(7);
    const releasedAt = Number(readFileSync(released, 'utf8'));
    expect(Number(readFileSync(started, 'utf8'))).toBeLessThan(releasedAt);
    expect(result.stderr).toMatch(/hog: recording PID \d+ \(sh\) every 0.05s as a run \(the store is locked/);
    expect(result.stderr).toMatch(/hog: run 1: sh -c .* exited with 7/);
    const samples = storedSamples(db, 1);
    // sampled while locked (kept in memory) and after (half a second at 20 Hz)
    expect(samples.filter((s) => s.t < releasedAt).length).toBeGreaterThan(10);
    expect(samples.filter((s) => s.t > releasedAt).length).toBeGreaterThan(4);
    const runs = json<RunsJson>(await runHog(['runs', '--db', db, '--json']));
    expect(runs.runs[0]).toMatchObject({ id: 1, state: 'ended', exitCode: 7 });
    const plot = await runHog(['plot', '1', '--db', db]);
    expect(plot.stdout).toMatch(
      /note: the store was locked by another writer for \d+(\.\d)?s; what was recorded meanwhile was kept/,
    );
  });
});

describe('a recorder killed with -9', () => {
  it('leaves its run interrupted, not running, and hog plot shows the span really recorded', async () => {
    const db = join(tmp.dir, 'killed.db');
    const target = spawnCommand('sleep', ['60']);
    const hog = startHog(['watch', String(target.pid), '--db', db, '-i', '0.1']);
    await waitFor(() => storedSamples(db).length >= 20, '20 stored samples');
    hog.child.kill('SIGKILL');
    await hog.done;
    await target.stop();
    const runs = json<RunsJson>(await runHog(['runs', '--db', db, '--json']));
    const run = runs.runs[0];
    expect(run?.state).toBe('interrupted');
    const last = Math.max(...storedSamples(db).map((s) => s.t));
    expect(run?.lastDataAt).toBe(last);
    const table = await runHog(['runs', '--db', db]);
    expect(table.stdout).toMatch(/ \ds interrupted /);
    const plot = await runHog(['plot', '1', '--db', db]);
    const seconds = Math.round((last - (run?.startedAt ?? 0)) / 1000);
    expect(plot.stdout).toContain(
      `${seconds}s recorded (interrupted: its recorder stopped without ending it)`,
    );
    expect(seconds).toBeGreaterThanOrEqual(2);
  });
});

describe('SIGHUP (a dropped SSH session)', () => {
  const intact = (db: string) => {
    const raw = new Database(db, { readonly: true });
    try {
      return {
        check: raw.pragma('integrity_check', { simple: true }),
        journal: raw.pragma('journal_mode', { simple: true }),
      };
    } finally {
      raw.close();
    }
  };

  it('ends hog run as SIGTERM does: passed on to the command, its exit code out, the run ended', async () => {
    const db = join(tmp.dir, 'hup-run.db');
    const codes: Record<string, number | null> = {};
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const before = storedSamples(db).length;
      const hog = startHog(['run', '--db', db, '-i', '0.05', '--json', '--', 'sleep', '30']);
      await waitFor(() => storedSamples(db).length >= before + 5, 'hog run to store samples');
      hog.child.kill(signal);
      codes[signal] = await hog.done;
      const out = JSON.parse(hog.stdout()) as { exitSignal: string; stoppedBy: string };
      expect(out).toMatchObject({ exitSignal: signal, stoppedBy: 'exited' });
    }
    expect(codes).toEqual({ SIGTERM: 143, SIGHUP: 129 });
    const runs = json<RunsJson>(await runHog(['runs', '--db', db, '--json']));
    expect(runs.runs.map((r) => r.state)).toEqual(['ended', 'ended']);
    expect(intact(db)).toEqual({ check: 'ok', journal: 'delete' });
    expect(filesOf(tmp.dir, 'hup-run.db')).toEqual(['hup-run.db']);
  });

  it('ends hog watch as SIGTERM does: exit 0, the run ended, the store closed', async () => {
    const db = join(tmp.dir, 'hup-watch.db');
    const target = spawnCommand('sleep', ['60']);
    const codes: Record<string, number | null> = {};
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const hog = startHog(['watch', String(target.pid), '--db', db, '-i', '0.1', '--json']);
      await waitFor(() => storedSamples(db).length >= (signal === 'SIGTERM' ? 5 : 25), 'stored samples');
      hog.child.kill(signal);
      codes[signal] = await hog.done;
      expect(JSON.parse(hog.stdout())).toMatchObject({ stoppedBy: 'stopped' });
    }
    await target.stop();
    expect(codes).toEqual({ SIGTERM: 0, SIGHUP: 0 });
    const runs = json<RunsJson>(await runHog(['runs', '--db', db, '--json']));
    expect(runs.runs.map((r) => r.state)).toEqual(['ended', 'ended']);
    expect(intact(db)).toEqual({ check: 'ok', journal: 'delete' });
  });
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.log('skipping the terminal hangup test: tmux is not installed');

describe.runIf(hasTmux)('a terminal that hangs up (the SSH session drops)', () => {
  it('ends hog watch and hog run cleanly: run ended, store closed, the exit of SIGHUP (no abort)', async () => {
    const target = spawnCommand('sleep', ['60']);
    const cases = [
      { name: 'watch', args: `watch ${target.pid} -i 0.1 --db`, code: '0' },
      { name: 'run', args: 'run -i 0.1 --db', code: '129', command: ' -- sleep 30' },
    ];
    for (const c of cases) {
      const db = join(tmp.dir, `tty-${c.name}.db`);
      const status = join(tmp.dir, `tty-${c.name}.status`);
      const err = join(tmp.dir, `tty-${c.name}.err`);
      const session = `hog-test-${process.pid}-${c.name}`;
      // the shell tmux starts leads the session and dies of the hangup; the kernel then sends SIGHUP to
      // the foreground group: hog, and a subshell that ignores it to write down hog's exit status
      const inner = `(trap "" HUP; ${HOG_BIN} ${c.args} ${db}${c.command ?? ''} 2>${err}; echo $? > ${status}) & wait`;
      spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '100', '-y', '20', 'sh', '-c', inner]);
      await waitFor(() => storedSamples(db).length >= 5, `hog ${c.name} in a terminal to store samples`);
      spawnSync('tmux', ['kill-session', '-t', session]);
      const code = await waitFor(
        () => existsSync(status) && readFileSync(status, 'utf8').trim(),
        'hog to exit',
      );
      // Node 20 aborts (134) when it exits on a hung-up terminal unless hog lets go of it first
      expect(code, readFileSync(err, 'utf8')).toBe(c.code);
      expect(readFileSync(err, 'utf8')).not.toContain('Assertion failed');
      const runs = json<RunsJson>(await runHog(['runs', '--db', db, '--json']));
      expect(runs.runs.map((r) => r.state)).toEqual(['ended']);
      expect(filesOf(tmp.dir, `tty-${c.name}.db`)).toEqual([`tty-${c.name}.db`]);
    }
    await target.stop();
  });
});

describe('a corrupt store', () => {
  const recovery = (path: string) =>
    `hint: recover what it holds with \`sqlite3 ${path} .recover | sqlite3 ${path}.recovered\`, or record into a new store with --db FILE`;

  it('random bytes: every command says so, with the recovery, exit 2; hog run starts nothing', async () => {
    const path = join(tmp.dir, 'random.db');
    writeFileSync(path, Buffer.from(Array.from({ length: 16384 }, (_, i) => (i * 7919 + 13) % 251)));
    const before = sha(path);
    const ran = join(tmp.dir, 'ran-on-corrupt');
    for (const args of [
      ['runs', '--db', path],
      ['plot', 'last', '--db', path],
      ['run', '--db', path, '--', 'sh', '-c', `touch ${ran}`],
    ]) {
      const result = await runHog(args);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(
        `hog: the store ${path} is corrupt or not a SQLite database (file is not a database)`,
      );
      expect(result.stderr).toContain(recovery(path));
    }
    expect(existsSync(ran)).toBe(false);
    expect(sha(path)).toBe(before);
  });

  it('a real store cut short: hog runs and hog plot say it is corrupt, with the recovery', async () => {
    const path = join(tmp.dir, 'cut.db');
    const store = Store.open(path, { create: true });
    for (let r = 0; r < 3; r++) {
      const run = store.createRun({ kind: 'run', command: `c${r}`, host: 'h', startedAt: r });
      const series = store.addSeries(run, { role: 'main', pid: 1, name: 'x', command: '', startedAt: r });
      store.write({
        samples: Array.from({ length: 4000 }, (_, t) => ({
          seriesId: series,
          metric: 'rss' as const,
          t,
          value: t,
        })),
        markers: [],
        notes: [],
      });
    }
    store.close();
    truncateSync(path, 16384);
    for (const args of [
      ['runs', '--db', path],
      ['plot', '2', '--db', path],
    ]) {
      const result = await runHog(args);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(
        `hog: the store ${path} is corrupt or not a SQLite database (database disk image is malformed)`,
      );
      expect(result.stderr).toContain(recovery(path));
    }
  });
});

const noNobody = skipWithout('a store read by nobody', canSwitchUser);

describe.skipIf(noNobody)('a root-owned store read by another user', () => {
  it('hog runs and hog plot as nobody read a 0644 store in a directory nobody cannot write', async () => {
    const dir = join(tmp.dir, 'shared');
    spawnSync('mkdir', [dir]);
    chmodSync(tmp.dir, 0o755);
    chmodSync(dir, 0o755);
    const db = join(dir, 'hog.db');
    const recorded = await runHog(['run', '--db', db, '-q', '-i', '0.05', '--', 'sleep', '0.5']);
    expect(recorded.code, recorded.stderr).toBe(0);
    chmodSync(db, 0o644);
    const runs = await runHog(['runs', '--db', db, '--json'], { uid: NOBODY });
    expect(runs.code, runs.stderr).toBe(0);
    expect(json<RunsJson>(runs).runs).toMatchObject([{ id: 1, state: 'ended', exitCode: 0 }]);
    const plot = await runHog(['plot', '1', '--db', db], { uid: NOBODY });
    expect(plot.code, plot.stderr).toBe(0);
    expect(plot.stdout).toContain('sleep 0.5');
    expect(filesOf(dir, 'hog.db')).toEqual(['hog.db']);
  });
});
