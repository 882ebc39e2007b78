/**
 * hog top in a real pseudo-terminal (tmux): keys change the sort, a resize redraws to the new size,
 * k signals a process after confirmation, q exits. And batch mode when stdout is not a terminal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOG_BIN, runHog } from '../helpers/hog.js';
import { type Child, spawnAllocator, spawnCommand, waitFor } from '../helpers/processes.js';
import { spawnPythonWorkers } from '../helpers/python.js';
import { TmuxSession } from '../helpers/tmux.js';

let session: TmuxSession | undefined;
afterEach(() => session?.kill());

/** "340M" / "45.4M" / "1.2G" / "900" as printed in RES, in bytes (to one decimal of the unit). */
function shortSize(text: string): number {
  const match = /^([\d.]+)([KMGT]?)$/.exec(text);
  if (!match) throw new Error(`not a size: ${text}`);
  return Number(match[1]) * 1024 ** ' KMGT'.indexOf(match[2] || ' ');
}

/** Unique to this test process: other suites running beside it spawn allocators too. */
const TAG = `hog-top-test-${process.pid}`;

const tableHeader = (lines: string[]) => lines.find((l) => /^\s+PID USER/.test(l)) ?? '';

/**
 * What hog top's swap line should end with on this kernel: the PSI averages when /proc/pressure/memory
 * is there (read here, not by hog's reader), "PSI n/a" when the kernel has no PSI (ENOENT) or was
 * booted with psi=0 (EOPNOTSUPP on read).
 */
function expectedPsi(): string {
  let text: string;
  try {
    text = readFileSync('/proc/pressure/memory', 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EOPNOTSUPP') return 'PSI n/a';
    throw error;
  }
  const full = /^full /m.test(text) ? ' full \\d+\\.\\d%' : '';
  return `PSI mem some \\d+\\.\\d%${full} \\(10s\\)`;
}

/** Why this machine cannot make a PID namespace with its own /proc, or undefined if it can. */
function pidNamespaceUnavailable(): string | undefined {
  const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { encoding: 'utf8' });
  return r.status === 0
    ? undefined
    : `no PID namespace here (unshare: ${r.error?.message ?? r.stderr.trim()})`;
}

/** A shell script run inside the PID and mount namespaces of process `init` (nsenter). */
function runIn(init: number, script: string): { stdout(): string; done: Promise<number | null> } {
  const child = spawn('nsenter', ['-t', String(init), '-p', '-m', '--', 'sh', '-c', script], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { stdout: () => out, done: new Promise((resolve) => child.on('close', resolve)) };
}

describe('hog top in a terminal', () => {
  let big: Child;
  beforeAll(async () => {
    big = await spawnAllocator(120, { tag: TAG });
  });
  afterAll(() => big.stop());

  it('fits 80x24, sorts by RES first, M/P switch the sort, q quits', async () => {
    session = TmuxSession.start(`${HOG_BIN} top -d 1`, 80, 24);
    const first = await session.waitForScreen(
      (l) => l[0]?.startsWith('hog top - ') === true && tableHeader(l) !== '',
      'the first frame',
    );
    expect(first).toHaveLength(24);
    expect(first.every((l) => l.length <= 80)).toBe(true);
    expect(first[1]).toMatch(/^Mem: [\d.]+ GiB total, .* used, .* avail, .* buff\/cache$/);
    expect(first[2]).toMatch(new RegExp(`^Swap: .* total, .* used {3}${expectedPsi()}$`));
    expect(first[3]).toMatch(/^Sort RES /);
    expect(tableHeader(first)).toMatch(/PID USER\s+RES\s+SHR\s+VIRT\s+%MEM\s+CPU% S\s+GROWTH COMMAND/);
    // rows are in RES order, largest first (other processes on the machine may be larger than the child)
    const rows = first.slice(first.indexOf(tableHeader(first)) + 1).filter((r) => r.trim() !== '');
    const res = rows.map((r) => shortSize(r.trim().split(/\s+/)[2] ?? ''));
    expect(res, first.join('\n')).toEqual([...res].sort((a, b) => b - a));

    session.keys('P');
    await session.waitForScreen((l) => l[3]?.startsWith('Sort CPU%') === true, 'sort by CPU after P');
    session.keys('M');
    await session.waitForScreen((l) => l[3]?.startsWith('Sort RES') === true, 'sort by RES after M');
    session.keys('T');
    await session.waitForScreen((l) => l[3]?.startsWith('Sort RES tree') === true, 'tree view after T');

    session.keys('q');
    await waitFor(() => session?.exited(), 'hog top to exit after q');
  });

  it('redraws to the new size when the terminal is resized', async () => {
    session = TmuxSession.start(`${HOG_BIN} top -d 30`, 80, 24);
    await session.waitForScreen((l) => tableHeader(l) !== '', 'the first frame');
    session.resize(132, 40);
    // with the delay at 30 s, only the resize can have redrawn: the SWAP column appears at >= 100 columns
    const wide = await session.waitForScreen((l) => /SWAP/.test(tableHeader(l)), 'a redraw at 132 columns');
    expect(wide).toHaveLength(40);
    expect(wide.filter((l) => l.trim() !== '').length).toBeGreaterThan(30);
    session.resize(60, 15);
    const narrow = await session.waitForScreen(
      (l) => !/SWAP/.test(tableHeader(l)) && l.length === 15,
      'a redraw at 60x15',
    );
    expect(narrow.every((l) => l.length <= 60)).toBe(true);
  });

  it('k asks for PID, signal and confirmation, then kills', async () => {
    const victim = spawnCommand('sleep', ['300']);
    try {
      session = TmuxSession.start(`${HOG_BIN} top -d 30`, 100, 30);
      await session.waitForScreen((l) => tableHeader(l) !== '', 'the first frame');
      session.keys('k');
      await session.waitForScreen(
        (l) => /^PID to signal\/kill \[default pid = \d+\]:/.test(l[4] ?? ''),
        'the PID prompt',
      );
      session.keys(String(victim.pid), 'Enter');
      await session.waitForScreen(
        (l) => (l[4] ?? '').startsWith(`Send PID ${victim.pid} (sleep) signal`),
        'the signal prompt',
      );
      session.keys('KILL', 'Enter');
      await session.waitForScreen(
        (l) => (l[4] ?? '').startsWith(`Really send SIGKILL to PID ${victim.pid} (sleep)?`),
        'the confirmation',
      );
      session.keys('y');
      const signal = await new Promise((resolve) => victim.process.once('exit', (_c, s) => resolve(s)));
      expect(signal).toBe('SIGKILL');
      await session.waitForScreen(
        (l) => l[4] === `sent SIGKILL to PID ${victim.pid} (sleep)`,
        'the result message',
      );
    } finally {
      await victim.stop();
    }
  });

  it('k sends nothing when the chosen process exits before the confirmation', async () => {
    const victim = spawnCommand('sleep', ['300']);
    try {
      session = TmuxSession.start(`${HOG_BIN} top -d 30`, 100, 30);
      await session.waitForScreen((l) => tableHeader(l) !== '', 'the first frame');
      session.keys('k', String(victim.pid), 'Enter', 'KILL', 'Enter');
      await session.waitForScreen(
        (l) => (l[4] ?? '').startsWith(`Really send SIGKILL to PID ${victim.pid} (sleep)?`),
        'the confirmation',
      );
      await victim.stop(); // ended and reaped by this test process: the PID is free
      session.keys('y');
      await session.waitForScreen(
        (l) => l[4] === `PID ${victim.pid} (sleep) has already exited: nothing sent`,
        'the refusal',
      );
    } finally {
      await victim.stop();
    }
  });

  it('k sends nothing when the chosen PID is another process by the confirmation (a reused PID)', async (ctx) => {
    const why = pidNamespaceUnavailable();
    if (why) {
      console.log(`skipped: ${why}`);
      ctx.skip();
    }
    // In a PID namespace of its own, hog top and a victim; the namespace's init is bash, which reaps
    // the victim once it is killed. Writing the namespace's ns_last_pid then hands the victim's PID to
    // the next process: a PID reused on purpose, between the choice and the confirmation.
    const dir = mkdtempSync(join(tmpdir(), 'hog-top-reuse-'));
    session = TmuxSession.start(
      `unshare --pid --fork --mount-proc bash -c 'sleep 300 & echo $! > ${dir}/victim; ${HOG_BIN} top -d 30; kill %1'`,
      100,
      30,
    );
    const victim = await waitFor(() => {
      const text = existsSync(`${dir}/victim`) ? readFileSync(`${dir}/victim`, 'utf8') : '';
      return text.endsWith('\n') ? Number(text) : undefined;
    }, 'the victim in the namespace');
    await session.waitForScreen((l) => tableHeader(l) !== '', 'the first frame');
    const unshare = session.panePid();
    const init = Number(readFileSync(`/proc/${unshare}/task/${unshare}/children`, 'utf8').trim());
    const inNamespace = (script: string) => runIn(init, script);

    session.keys('k', String(victim), 'Enter', 'HUP', 'Enter');
    await session.waitForScreen(
      (l) => (l[4] ?? '').startsWith(`Really send SIGHUP to PID ${victim} (sleep)?`),
      'the confirmation',
    );
    await inNamespace(`kill ${victim}`).done;
    await waitFor(
      async () => (await inNamespace(`kill -0 ${victim} 2>/dev/null`).done) !== 0,
      'the victim to be reaped',
    );
    const replacement = inNamespace(
      `echo ${victim - 1} > /proc/sys/kernel/ns_last_pid; sleep 300 & echo $!; wait $!; echo "status $?"`,
    );
    const got = await waitFor(() => /^(\d+)\n/.exec(replacement.stdout())?.[1], 'the replacement PID');
    expect(Number(got)).toBe(victim);

    session.keys('y');
    await session.waitForScreen(
      (l) =>
        l[4] ===
        `PID ${victim} is no longer the sleep you chose: another process (sleep) has it now; nothing sent`,
      'the refusal',
    );
    // had hog sent SIGHUP, the replacement would have died of it (status 129) before this SIGKILL (137)
    await inNamespace(`kill -KILL ${victim}`).done;
    await replacement.done;
    expect(replacement.stdout()).toBe(`${victim}\nstatus 137\n`);
  });

  it('/ filters rows by command', async () => {
    session = TmuxSession.start(`${HOG_BIN} top -d 30`, 100, 30);
    await session.waitForScreen((l) => tableHeader(l) !== '', 'the first frame');
    session.keys('/', TAG, 'Enter');
    const filtered = await session.waitForScreen(
      (l) => new RegExp(`filter "${TAG}"`).test(l[3] ?? ''),
      'the filter',
    );
    const rows = filtered.slice(filtered.indexOf(tableHeader(filtered)) + 1).filter((l) => l.trim() !== '');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.trim().startsWith(`${big.pid} `)).toBe(true);
  });
});

describe('hog top at 80 columns', () => {
  let python: Awaited<ReturnType<typeof spawnPythonWorkers>>;
  beforeAll(async () => {
    python = await spawnPythonWorkers();
  });
  afterAll(() => python.stop());
  const rowsOf = (lines: string[]) =>
    lines.slice(lines.indexOf(tableHeader(lines)) + 1).filter((l) => l.trim() !== '');

  it('tells three python3 processes apart by program name and script; c shows the full command line', async () => {
    const pids = python.workers.map((w) => w.pid);
    session = TmuxSession.start(`${HOG_BIN} top -d 30 -s pid -p ${pids.join(',')}`, 80, 24);
    const screen = await session.waitForScreen((l) => rowsOf(l).length === 3, 'three rows');
    expect(screen.every((l) => l.length <= 80)).toBe(true);
    const commands = rowsOf(screen).map((r) => r.slice(tableHeader(screen).indexOf('COMMAND')).trim());
    // 19 columns are left for COMMAND at 80: the program name, then as much of the script as fits
    expect(commands).toEqual(['python3 ingest_work', 'python3 report_buil', 'python3 cache_warme']);
    session.keys('c');
    const full = await session.waitForScreen(
      (l) => rowsOf(l)[0]?.includes(python.python.slice(0, 10)) === true,
      'full command lines after c',
    );
    // the interpreter's path, cut at the screen's edge: the three rows no longer differ
    const fullCommands = rowsOf(full).map((r) => r.slice(tableHeader(full).indexOf('COMMAND')));
    expect(new Set(fullCommands).size).toBe(1);
    expect(python.python.startsWith(fullCommands[0]?.replace(/[+…]$/, '') ?? '-')).toBe(true);
  });

  it('Ctrl-U clears the filter prompt, Ctrl-W deletes a word', async () => {
    const pids = python.workers.map((w) => w.pid);
    session = TmuxSession.start(`${HOG_BIN} top -d 30 -s pid -p ${pids.join(',')}`, 80, 24);
    await session.waitForScreen((l) => rowsOf(l).length === 3, 'three rows');
    session.keys('/');
    session.keys('-l', 'report_builder');
    session.keys('Enter');
    await session.waitForScreen((l) => rowsOf(l).length === 1, 'the filter');
    // the prompt opens with the filter in force; Ctrl-U empties it, Enter then clears the filter
    session.keys('/');
    await session.waitForScreen(
      (l) => l[4]?.endsWith('empty to clear): report_builder') === true,
      'the prompt',
    );
    session.keys('C-u');
    await session.waitForScreen((l) => l[4]?.endsWith('empty to clear):') === true, 'an empty prompt');
    session.keys('-l', 'python3 cache');
    session.keys('C-w');
    await session.waitForScreen((l) => l[4]?.endsWith('empty to clear): python3') === true, 'one word gone');
    session.keys('C-u', 'Enter');
    const cleared = await session.waitForScreen((l) => rowsOf(l).length === 3, 'all three rows again');
    expect(cleared[3]).toBe('Sort PID  M mem P cpu N pid T tree c cmd / filter k kill q quit');
  });

  it('Home and End jump to the first and the last page of rows', async () => {
    const sleepers = Array.from({ length: 30 }, () => spawnCommand('sleep', ['600']));
    try {
      const pids = sleepers.map((s) => s.pid).sort((a, b) => a - b);
      session = TmuxSession.start(`${HOG_BIN} top -d 30 -s pid -p ${pids.join(',')}`, 80, 24);
      const firstPids = (l: string[]) => rowsOf(l).map((r) => Number(r.trim().split(/\s+/)[0]));
      // 24 lines: 5 of header, the table's, 18 rows
      const top = await session.waitForScreen((l) => firstPids(l).length === 18, 'a full page');
      expect(firstPids(top)).toEqual(pids.slice(0, 18));
      session.keys('End');
      const end = await session.waitForScreen((l) => firstPids(l)[0] === pids[12], 'the last page');
      expect(firstPids(end)).toEqual(pids.slice(12));
      // one up from the end shows the row before the last page (End did not scroll past the last row)
      session.keys('Up');
      await session.waitForScreen((l) => firstPids(l)[0] === pids[11], 'one row up');
      session.keys('Home');
      const home = await session.waitForScreen((l) => firstPids(l)[0] === pids[0], 'the first page');
      expect(firstPids(home)).toEqual(pids.slice(0, 18));
    } finally {
      for (const s of sleepers) await s.stop();
    }
  });
});

describe('hog top in batch mode', () => {
  it('prints -n snapshots like top -b when stdout is not a terminal', async () => {
    const result = await runHog(['top', '-n', '2', '-d', '0.5', '--top', '3']);
    expect(result.code).toBe(0);
    const frames = result.stdout.split(/^(?=hog top - )/m);
    expect(frames).toHaveLength(2);
    for (const frame of frames) {
      const lines = frame.trimEnd().split('\n');
      expect(lines[1]).toMatch(/^Mem: /);
      expect(lines[4]).toMatch(/^\s+PID USER/);
      expect(lines.slice(5)).toHaveLength(3);
    }
  });

  it('refuses the interactive view when the terminal gives no keys (stdin redirected), pointing to -b', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'hog-top-')), 'stderr');
    session = TmuxSession.start(`${HOG_BIN} top < /dev/null 2> ${log}; echo "exit=$?" >> ${log}`, 100, 10);
    const text = await waitFor(() => {
      const t = existsSync(log) ? readFileSync(log, 'utf8') : '';
      return t.includes('exit=') ? t : undefined;
    }, 'hog top to stop');
    expect(text).toBe(
      'hog: hog top needs a terminal for keys\nhint: use hog top -b for text snapshots\nexit=2\n',
    );
  });
});
