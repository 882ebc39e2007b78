/**
 * hog run end to end: real commands, a real store, real children, the marker contract, the Node.js
 * heap preload, mprof files that Debian's memory_profiler reads, and a disk that fills up.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { canMount, skipWithout } from '../helpers/capabilities.js';
import { FIXTURES, json, runHog, startHog, stopStartedHogs } from '../helpers/hog.js';
import { statusBytes, waitFor } from '../helpers/processes.js';
import { storedSamples, tempDir } from '../helpers/store.js';

const MiB = 1024 * 1024;
const tmp = tempDir('run');
const db = join(tmp.dir, 'hog.db');
const env = { HOG_DB: db, MALLOC_MMAP_THRESHOLD_: '131072' };
afterAll(() => {
  stopStartedHogs();
  tmp.remove();
});

interface RunJson {
  run: number;
  exitCode: number | null;
  exitSignal: string | null;
  stoppedBy: string;
  series: {
    label: string;
    role: string;
    pid: number;
    samples: number;
    peakBytes: number;
    verdict: { class: string };
  }[];
  markers: number;
  notes: { kind: string; text: string }[];
}

describe('hog run', () => {
  it("passes the command's exit code through, and 128 + the signal when a signal killed it", async () => {
    const seven = await runHog(['run', '-q', '-i', '0.05', '--', 'sh', '-c', 'exit 7'], { env });
    expect(seven.code).toBe(7);
    const killed = await runHog(['run', '--json', '-i', '0.05', '--', 'sh', '-c', 'kill -TERM $$'], { env });
    expect(killed.code).toBe(143);
    expect(json<RunJson>(killed)).toMatchObject({
      exitCode: null,
      exitSignal: 'SIGTERM',
      stoppedBy: 'exited',
    });
  });

  it('records RSS every interval until the command exits, and lists the run in hog runs', async () => {
    const result = await runHog(
      ['run', '--json', '-i', '0.05', '--', 'node', '-e', 'setTimeout(() => {}, 1500)'],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);
    const out = json<RunJson>(result);
    const main = out.series[0];
    expect(main?.role).toBe('main');
    expect(main?.samples).toBeGreaterThan(10); // 1.5 s at 20 Hz, whatever the machine's load
    expect(main?.peakBytes).toBeGreaterThan(20 * MiB); // a Node.js process
    expect(main?.verdict.class).toBe('not-enough-data');
    const runs = await runHog(['runs', '--json'], { env });
    expect(json<{ runs: { id: number; command: string }[] }>(runs).runs.map((r) => r.id)).toContain(out.run);
  });

  it('fails before the command starts when the output file cannot be written, or the command does not exist', async () => {
    const witness = join(tmp.dir, 'started');
    const bad = await runHog(
      [
        'run',
        '-o',
        join(tmp.dir, 'no/such/dir/out.dat'),
        '--',
        'node',
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(witness)}, '')`,
      ],
      { env },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^hog: cannot write .*out\.dat/m);
    expect(bad.stderr).toMatch(/^hint: choose a writable path for -o/m);
    expect(existsSync(witness)).toBe(false);
    const missing = await runHog(['run', '--', 'no-such-command-hog-test'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^hog: command not found: no-such-command-hog-test/m);
  });
});

/** hog run of the forking scenario, once the children it prints are ready: the hog, the PIDs, the stop file. */
async function runFork(flag: '-C' | '-M', name: string) {
  const stop = join(tmp.dir, name);
  const hog = startHog(
    [
      'run',
      '--json',
      flag,
      '-i',
      '0.1',
      '--',
      'node',
      `${FIXTURES}scenarios/fork.mjs`,
      stop,
      '20',
      '30',
      '40',
    ],
    env,
  );
  const line = await waitFor(
    () => /\{"children":\[[^\]]*\]\}/.exec(hog.stdout())?.[0],
    `children; stderr ${hog.stderr()}`,
  );
  return { hog, stop, children: (JSON.parse(line) as { children: number[] }).children };
}

describe('children of the command', () => {
  it('--include-children sums the process and its children: equal to the sum of their VmRSS', async () => {
    const { hog, stop, children } = await runFork('-C', 'stop-children');
    const parent = Number(readFileSync(`/proc/${children[0]}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
    // all four are idle now: their VmRSS does not move
    const measuredAt = Date.now();
    const sum = [parent, ...children].reduce((total, pid) => total + statusBytes(pid, 'VmRSS'), 0);
    const after = await waitFor(
      () => storedSamples(db).find((s) => s.role === 'total' && s.t > measuredAt + 300),
      'samples after the measurement',
    );
    writeFileSync(stop, '');
    expect(await hog.done).toBe(0);
    expect(sum).toBeGreaterThan(90 * MiB);
    expect(Math.abs(after.value - sum) / sum).toBeLessThan(0.01);
    const out = JSON.parse(hog.stdout().trim().split('\n').pop() as string) as RunJson;
    expect(out.series.map((s) => s.role)).toEqual(['total']);
    expect(out.series[0]?.label).toBe(`PID ${parent} (node) + children`);
  });

  it('--multiprocess records each child as its own series, each equal to its VmRSS', async () => {
    const { hog, stop, children } = await runFork('-M', 'stop-multi');
    const measuredAt = Date.now();
    const expected = new Map(children.map((pid) => [pid, statusBytes(pid, 'VmRSS')]));
    await waitFor(() => {
      const seen = new Set(
        storedSamples(db)
          .filter((s) => s.role === 'child' && s.t > measuredAt + 300)
          .map((s) => s.pid),
      );
      return children.every((pid) => seen.has(pid));
    }, 'a sample of every child after the measurement');
    const samples = storedSamples(db).filter((s) => s.t > measuredAt + 300);
    writeFileSync(stop, '');
    expect(await hog.done).toBe(0);
    for (const [pid, vmRss] of expected) {
      const sample = samples.find((s) => s.pid === pid && s.role === 'child');
      expect(Math.abs((sample?.value ?? 0) - vmRss) / vmRss).toBeLessThan(0.01);
    }
    const out = JSON.parse(hog.stdout().trim().split('\n').pop() as string) as RunJson;
    expect(
      out.series
        .filter((s) => s.role === 'child')
        .map((s) => s.pid)
        .sort(),
    ).toEqual([...children].sort());
  });
});

describe('what the command reports to hog', () => {
  it('ingests HOG_MARKER_FILE lines as function markers, skipping and counting lines that break the contract', async () => {
    // a tiny profiler: appends entry/exit lines around a function, plus one line that is not JSON
    const script = `
      const fs = require('fs');
      const file = process.env.HOG_MARKER_FILE;
      if (!require('path').isAbsolute(file)) process.exit(9);
      const mark = (event) => fs.appendFileSync(file, JSON.stringify({ t: Date.now(), event, name: 'loadData', pid: process.pid }) + '\\n');
      mark('enter');
      const keep = Buffer.alloc(30 * 1024 * 1024, 1);
      setTimeout(() => { mark('exit'); fs.appendFileSync(file, 'not a marker\\n'); setTimeout(() => keep.length, 300); }, 400);`;
    const result = await runHog(['run', '--json', '-i', '0.05', '--', 'node', '-e', script], { env });
    expect(result.code, result.stderr).toBe(0);
    const out = json<RunJson>(result);
    expect(out.markers).toBe(2);
    expect(out.notes.map((n) => n.text)).toContain(
      '1 line(s) in HOG_MARKER_FILE did not follow the marker contract and were skipped',
    );
    const store = Store.open(db, { create: false });
    const recording = store.loadRun(out.run);
    store.close();
    expect(recording.markers.map((m) => [m.event, m.name])).toEqual([
      ['enter', 'loadData'],
      ['exit', 'loadData'],
    ]);
    // Node.js targets also report their heap, external and array-buffer memory beside RSS
    const metrics = Object.keys(recording.series[0]?.metrics ?? {}).sort();
    expect(metrics).toEqual(['array_buffers', 'external', 'heap_total', 'heap_used', 'rss']);
    const arrayBuffers = recording.series[0]?.metrics.array_buffers ?? [];
    expect(Math.max(...arrayBuffers.map((s) => s.bytes))).toBeGreaterThanOrEqual(30 * MiB);
  });

  it('--no-heap leaves NODE_OPTIONS alone', async () => {
    const result = await runHog(
      [
        'run',
        '--json',
        '--no-heap',
        '-i',
        '0.05',
        '--',
        'node',
        '-e',
        'if (process.env.NODE_OPTIONS) process.exit(3)',
      ],
      {
        env: { ...env, NODE_OPTIONS: '' },
      },
    );
    expect(result.code).toBe(0);
  });
});

describe('mprof interop', () => {
  it("writes a .dat file that Debian's `mprof plot` draws", async () => {
    const dat = join(tmp.dir, 'mprofile_hog.dat');
    const png = join(tmp.dir, 'mprof.png');
    const result = await runHog(
      ['run', '-q', '-M', '-i', '0.05', '-o', dat, '--', 'sh', '-c', 'sleep 0.3 & sleep 0.5; wait'],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);
    const text = readFileSync(dat, 'utf8');
    expect(text.split('\n')[0]).toBe('CMDLINE sh -c sleep 0.3 & sleep 0.5; wait');
    expect(text).toMatch(/^MEM \d+\.\d{6} \d+\.\d{4}$/m);
    expect(text).toMatch(/^CHLD \d+ \d+\.\d{6} \d+\.\d{4}$/m);
    const plot = spawnSync('python3-mprof', ['plot', dat, '-o', png], {
      env: { ...process.env, MPLBACKEND: 'Agg' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(plot.status, plot.stderr).toBe(0);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('samples every child that lives a few intervals, as mprof does, whenever it starts', async () => {
    // three children one after another, each living 150 ms (three 50 ms intervals), started once hog
    // records: mprof samples each; hog, looking for children every 500 ms, saw one of them at most
    const dat = join(tmp.dir, 'mprofile_short.dat');
    const pids = join(tmp.dir, 'short-children');
    const go = join(tmp.dir, 'short-go');
    expect(spawnSync('mkfifo', [go]).status).toBe(0);
    const child = `sleep 0.15 & echo $! >> ${pids}; wait`;
    const script = `read go < ${go}; ${child}; ${child}; ${child}`;
    const hog = startHog(['run', '-q', '-M', '-i', '0.05', '-o', dat, '--', 'sh', '-c', script], env);
    // how soon hog's first tick comes depends on the machine's load: the children wait for it
    await waitFor(() => existsSync(dat) && /^MEM /m.test(readFileSync(dat, 'utf8')), 'a MEM line');
    writeFileSync(go, 'go\n');
    expect(await hog.done, hog.stderr()).toBe(0);
    const children = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    const sampled = new Set(
      [...readFileSync(dat, 'utf8').matchAll(/^CHLD (\d+) /gm)].map((m) => Number(m[1])),
    );
    expect(children).toHaveLength(3);
    expect([...sampled].sort()).toEqual(children.sort());
  });
});

const cannotMount = skipWithout('a disk that fills up', canMount);

describe.skipIf(cannotMount)('a disk that fills up while recording', () => {
  const mount = join(tmp.dir, 'tiny');
  afterAll(() => {
    spawnSync('umount', [mount]);
    if (existsSync(mount)) rmdirSync(mount);
  });

  it('stops recording with a message, keeps what was written, and lets the command finish', async () => {
    // the command runs until the test has seen hog give up: how soon the disk fills depends on how
    // many ticks the machine lets hog take, and a command with a fixed life may end first
    mkdirSync(mount);
    const mounted = spawnSync('mount', [
      '-t',
      'tmpfs',
      '-o',
      'size=384k', // the schema (hog run's and hog serve's tables) is 128 KiB of it
      `hog-issue3-${process.pid}`,
      mount,
    ]);
    expect(mounted.status).toBe(0);
    const full = join(mount, 'hog.db');
    const stop = join(tmp.dir, 'stop-full');
    const waitForStop = `const f = ${JSON.stringify(stop)}; const t = setInterval(() => require('fs').existsSync(f) && clearInterval(t), 50)`;
    const hog = startHog(
      ['run', '--db', full, '--swap', '--pss', '--uss', '-i', '0.01', '--', 'node', '-e', waitForStop],
      env,
    );
    await waitFor(
      () => / the command keeps running/.test(hog.stderr()),
      `hog to stop recording; stderr ${hog.stderr()}`,
      45_000, // within the test's 60 s: the disk fills in 5-10 s on a loaded 2-core machine
    );
    writeFileSync(stop, '');
    expect(await hog.done, hog.stderr()).toBe(0);
    const stderr = hog.stderr();
    expect(stderr).toMatch(
      /hog: disk full while recording .*recording stopped, what was written is kept in run 1; the command keeps running/,
    );
    // what was written before the disk filled is there to read (copied off the full disk first)
    const copy = join(tmp.dir, 'copy');
    mkdirSync(copy);
    for (const suffix of ['', '-wal']) {
      if (existsSync(full + suffix))
        writeFileSync(join(copy, `hog.db${suffix}`), readFileSync(full + suffix));
    }
    expect(storedSamples(join(copy, 'hog.db'), 1).length).toBeGreaterThan(50);
    expect(stderr).toMatch(/hog: run 1: node -e .* exited with 0/);
  });
});
