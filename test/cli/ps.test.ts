/**
 * hog ps end to end, on real processes the test spawns with known allocations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canSwitchUser, skipWithout } from '../helpers/capabilities.js';
import { FIXTURES, HOG_BIN, json, runHog } from '../helpers/hog.js';
import { type Child, spawnAllocator, statusBytes } from '../helpers/processes.js';
import { type PythonWorkers, spawnPythonWorkers } from '../helpers/python.js';
import { TmuxSession } from '../helpers/tmux.js';

interface PsJson {
  intervalSeconds: number;
  cpuMeasure: string;
  memTotalBytes: number;
  processes: {
    pid: number;
    ppid: number;
    user: string;
    resBytes: number;
    shrBytes: number;
    virtBytes: number;
    swapBytes: number;
    memPercent: number;
    cpuPercent: number;
    pssBytes?: number | null;
    ussBytes?: number | null;
    state: string;
    command: string;
    depth?: number;
  }[];
  notes: string[];
}

const MiB = 1024 * 1024;

describe('hog ps on a child holding 200 MiB', () => {
  let child: Child;
  beforeAll(async () => {
    child = await spawnAllocator(200);
  });
  afterAll(() => child.stop());

  it('shows RES >= 200 MiB, equal to the kernel VmRSS; VIRT = VmSize; SHR = RssFile + RssShmem', async () => {
    const out = json<PsJson>(await runHog(['ps', '--pid', String(child.pid), '--json', '--interval', '0']));
    const row = out.processes[0];
    expect(out.processes).toHaveLength(1);
    expect(row?.pid).toBe(child.pid);
    expect(row?.resBytes).toBeGreaterThanOrEqual(200 * MiB);
    // the child is idle: its counters do not move between hog's read and this one
    expect(row?.resBytes).toBe(statusBytes(child.pid, 'VmRSS'));
    expect(row?.virtBytes).toBe(statusBytes(child.pid, 'VmSize'));
    expect(row?.shrBytes).toBe(statusBytes(child.pid, 'RssFile') + statusBytes(child.pid, 'RssShmem'));
    expect(row?.swapBytes).toBe(statusBytes(child.pid, 'VmSwap'));
    expect(row?.memPercent).toBeCloseTo(((row?.resBytes ?? 0) / out.memTotalBytes) * 100, 1);
    expect(row?.command).toMatch(/Buffer\.alloc\(200/);
    expect(out.cpuMeasure).toBe('lifetime');
  });

  it('ranks it above its small parent when sorting by memory, and shows it in the table', async () => {
    const result = await runHog(['ps', '--pid', `${process.pid},${child.pid}`, '--interval', '0']);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^\s+PID USER\s+RES\s+SHR\s+VIRT\s+%MEM\s+SWAP\s+CPU% STATE COMMAND$/);
    expect(rows.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([child.pid, process.pid]);
    expect(rows[0], result.stdout).toMatch(/ 2\d\dM /);
  });

  it('adds PSS and USS from smaps_rollup when asked; USS of the child covers its 200 MiB', async () => {
    const out = json<PsJson>(
      await runHog(['ps', '--pid', String(child.pid), '--pss', '--uss', '--json', '-i', '0']),
    );
    const row = out.processes[0];
    expect(row?.ussBytes).toBeGreaterThanOrEqual(200 * MiB);
    expect(row?.pssBytes).toBeGreaterThanOrEqual(row?.ussBytes ?? 0);
    expect(row?.pssBytes).toBeLessThanOrEqual(row?.resBytes ?? 0);
  });

  it('measures CPU% over an interval by default, and says so', async () => {
    const out = json<PsJson>(await runHog(['ps', '--pid', String(child.pid), '--json']));
    expect(out.cpuMeasure).toBe('interval');
    expect(out.intervalSeconds).toBe(0.2);
    expect(out.processes[0]?.cpuPercent).toBeLessThan(5);
  });

  it('shows the child under its parent in --tree', async () => {
    const out = json<PsJson>(await runHog(['ps', '--tree', '--json', '-i', '0']));
    const index = out.processes.findIndex((p) => p.pid === child.pid);
    const parentIndex = out.processes.findIndex((p) => p.pid === process.pid);
    expect(parentIndex, 'the test process is listed').not.toBe(-1);
    expect(index).toBeGreaterThan(parentIndex);
    expect(out.processes[index]?.depth).toBe((out.processes[parentIndex]?.depth ?? 0) + 1);
  });

  it('prints CSV with a header and byte values', async () => {
    const result = await runHog(['ps', '--pid', String(child.pid), '--csv', '-i', '0']);
    const [header, line] = result.stdout.trim().split('\n');
    expect(header).toBe('pid,user,resBytes,shrBytes,virtBytes,memPercent,swapBytes,cpuPercent,state,command');
    expect(line?.split(',')[0]).toBe(String(child.pid));
    expect(Number(line?.split(',')[2])).toBeGreaterThanOrEqual(200 * MiB);
  });
});

describe('hog ps options and explanations', () => {
  it('--explain says what VIRT, RES and SHR mean', async () => {
    const result = await runHog(['ps', '--top', '1', '-i', '0', '--explain']);
    const text = result.stdout.replace(/\n {9}/g, ' '); // join the wrapped continuation lines
    expect(text).toMatch(/^VIRT\s+Virtual memory: .* A high VIRT is usually fine\./m);
    expect(text).toMatch(/^RES\s+Resident memory: .* This is what costs RAM\./m);
    expect(text).toMatch(/^SHR\s+Shared part of RES/m);
  });

  it('filters by user', async () => {
    const out = json<PsJson>(await runHog(['ps', '--user', 'root', '--json', '-i', '0']));
    expect(out.processes.length).toBeGreaterThan(0);
    expect(out.processes.every((p) => p.user === 'root')).toBe(true);
  });

  it('reads a fixture /proc: kernel threads, zombies and "a) b"', async () => {
    const result = await runHog([
      '--proc-root',
      `${FIXTURES}machine/proc`,
      '--etc-root',
      `${FIXTURES}machine/etc`,
      'ps',
      '--sort',
      'pid',
      '-i',
      '0',
    ]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(['PID', '1', '2', '8969', '8972', '8980']);
    expect(lines[2]).toMatch(/ \[kthreadd\]$/);
    expect(lines[3]).toMatch(/ S\s+\/tmp\/a\) b 300$/);
    expect(lines[4]).toMatch(/ Z\s+\[sleep\] <defunct>$/);
  });
});

describe('hog ps at 80 columns', () => {
  let python: PythonWorkers;
  beforeAll(async () => {
    python = await spawnPythonWorkers();
  });
  afterAll(() => python.stop());

  /** The screen of `hog ps ARGS` in an 80x24 terminal, once it has exited (the shell then waits). */
  async function psScreen(args: string): Promise<string[]> {
    const session = TmuxSession.start(`${HOG_BIN} ps ${args}; echo "exit=$?"; sleep 60`, 80, 24);
    try {
      const screen = await session.waitForScreen((l) => l.some((x) => x.startsWith('exit=')), 'hog ps');
      const lines = screen.filter((l) => l.trim() !== '');
      expect(lines.pop()).toBe('exit=0');
      return lines;
    } finally {
      session.kill();
    }
  }

  it('shows three python3 processes by program name and script; -c the full command lines', async () => {
    const pids = python.workers.map((w) => w.pid);
    const [header = '', ...rows] = await psScreen(`--sort pid -i 0 -p ${pids.join(',')}`);
    const at = header.indexOf('COMMAND');
    // 17 columns are left for COMMAND at 80: the program name, then as much of the script as fits
    expect(rows.map((r) => r.slice(at))).toEqual([
      'python3 ingest_wo',
      'python3 report_bu',
      'python3 cache_war',
    ]);
    const [fullHeader = '', ...full] = await psScreen(`-c --sort pid -i 0 -p ${pids.join(',')}`);
    expect(full.every((l) => l.length <= 80)).toBe(true);
    const cells = full.map((r) => r.slice(fullHeader.indexOf('COMMAND')));
    expect(cells).toHaveLength(3);
    for (const cell of cells) expect(python.python.startsWith(cell)).toBe(true);
  });
});

describe('hog ps bad input', () => {
  it('an unknown sort key lists the valid ones (exit 2)', async () => {
    const result = await runHog(['ps', '--sort', 'size']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'hog: unknown sort key "size"\nhint: valid keys: mem, cpu, virt, swap, pss, pid, name\n',
    );
    expect(result.stdout).toBe('');
  });

  it('an unknown PID is a clear error (exit 2), without a stack trace', async () => {
    const result = await runHog(['ps', '--pid', '4194000', '-i', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^hog: no process with PID 4194000\nhint: /);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('a malformed PID, an unknown user and a bad interval are usage errors', async () => {
    expect((await runHog(['ps', '--pid', '12abc'])).stderr).toMatch(/^hog: not a PID: "12abc"/);
    expect((await runHog(['ps', '--user', 'no-such-user-xyz'])).stderr).toMatch(
      /^hog: no such user: "no-such-user-xyz"/,
    );
    const interval = await runHog(['ps', '--interval', 'soon']);
    expect(interval.code).toBe(2);
    expect(interval.stderr).toMatch(/^hog: --interval: not a duration: "soon"/);
  });

  it('an unknown option is exit 2, said the hog way', async () => {
    const result = await runHog(['ps', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "hog: unknown option '--bogus'\nhint: run `hog ps --help` for its options and arguments\n",
    );
    expect(result.stdout).toBe('');
  });
});

const asNobody = !skipWithout('hog ps without root', canSwitchUser);

describe.runIf(asNobody)('hog ps without root', () => {
  it('as nobody: PSS/USS of root processes are "-" and a note says how to see them (exit 0)', async () => {
    const result = await runHog(['ps', '--pss', '--top', '5', '-i', '0'], { uid: 65534, gid: 65534 });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /note: PSS\/USS unavailable for \d+ processes: smaps_rollup of other users' processes needs root/,
    );
    const rootRow = result.stdout.split('\n').find((l) => / root /.test(l));
    expect(rootRow).toMatch(/\s-\s/);
  });
});
