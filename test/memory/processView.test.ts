import { describe, expect, it } from 'vitest';
import { cpuPercentBetween, lifetimeCpuPercent } from '../../src/memory/cpu.js';
import {
  type ProcessRow,
  parseSortKey,
  selectRows,
  shortCommandOf,
  toRows,
} from '../../src/memory/processView.js';

function row(pid: number, ppid: number, resMiB: number, extra: Partial<ProcessRow> = {}): ProcessRow {
  return {
    pid,
    ppid,
    uid: 0,
    user: 'root',
    state: 'S',
    comm: `p${pid}`,
    args: [`/bin/p${pid}`],
    command: `/bin/p${pid}`,
    shortCommand: `p${pid}`,
    threads: 1,
    kernelThread: false,
    cpuTicks: 0,
    startTimeTicks: 0,
    resBytes: resMiB * 1024 * 1024,
    shrBytes: 0,
    virtBytes: resMiB * 2 * 1024 * 1024,
    swapBytes: 0,
    memPercent: 0,
    cpuPercent: 0,
    ...extra,
  };
}

const rows = [
  row(1, 0, 10),
  row(20, 1, 300, { cpuPercent: 5 }),
  row(21, 20, 50, { cpuPercent: 90, user: 'www', uid: 33 }),
  row(22, 20, 70, { swapBytes: 5 }),
  row(30, 1, 5, { command: 'python3 worker.py', comm: 'python3' }),
];

describe('selectRows', () => {
  it('sorts by RES by default, largest first', () => {
    expect(selectRows(rows, { sort: 'mem' }).map((r) => r.pid)).toEqual([20, 22, 21, 1, 30]);
  });

  it('sorts by CPU, swap, PID and name', () => {
    expect(selectRows(rows, { sort: 'cpu' }).map((r) => r.pid)).toEqual([21, 20, 22, 1, 30]);
    expect(selectRows(rows, { sort: 'swap' })[0]?.pid).toBe(22);
    expect(selectRows(rows, { sort: 'pid' }).map((r) => r.pid)).toEqual([1, 20, 21, 22, 30]);
    expect(selectRows(rows, { sort: 'name' }).map((r) => r.comm)).toEqual([
      'p1',
      'p20',
      'p21',
      'p22',
      'python3',
    ]);
  });

  it('filters by user (name or uid), PIDs and command text; --top cuts', () => {
    expect(selectRows(rows, { sort: 'mem', user: 'www' }).map((r) => r.pid)).toEqual([21]);
    expect(selectRows(rows, { sort: 'mem', user: '33' }).map((r) => r.pid)).toEqual([21]);
    expect(selectRows(rows, { sort: 'mem', pids: [1, 30] }).map((r) => r.pid)).toEqual([1, 30]);
    expect(selectRows(rows, { sort: 'mem', filter: 'WORKER' }).map((r) => r.pid)).toEqual([30]);
    expect(selectRows(rows, { sort: 'mem', top: 2 }).map((r) => r.pid)).toEqual([20, 22]);
  });

  it('orders a tree depth-first, siblings by the sort key, with branches drawn', () => {
    const tree = selectRows(rows, { sort: 'mem', tree: true });
    expect(tree.map((r) => r.pid)).toEqual([1, 20, 22, 21, 30]);
    expect(tree.map((r) => r.treePrefix)).toEqual(['', '├─ ', '│  ├─ ', '│  └─ ', '└─ ']);
    expect(tree.map((r) => r.depth)).toEqual([0, 1, 2, 2, 1]);
  });

  it('makes a process whose parent is filtered out a root', () => {
    const tree = selectRows(rows, { sort: 'mem', tree: true, pids: [21, 22] });
    expect(tree.map((r) => [r.pid, r.depth])).toEqual([
      [22, 0],
      [21, 0],
    ]);
  });
});

describe('sort keys', () => {
  it('accepts the documented keys in any case and lists them when wrong', () => {
    expect(parseSortKey('MEM')).toBe('mem');
    expect(() => parseSortKey('size')).toThrow(/unknown sort key "size"/);
    try {
      parseSortKey('size');
    } catch (error) {
      expect((error as { hint: string }).hint).toBe('valid keys: mem, cpu, virt, swap, pss, pid, name');
      expect((error as { exitCode: number }).exitCode).toBe(2);
    }
  });
});

describe('CPU%', () => {
  it('between two samples, in percent of one core', () => {
    expect(cpuPercentBetween(100, 150, 1)).toBe(50);
    expect(cpuPercentBetween(100, 300, 1)).toBe(200);
    expect(cpuPercentBetween(100, 90, 1)).toBe(0);
    expect(cpuPercentBetween(100, 150, 0)).toBe(0);
  });

  it('over the lifetime, as ps computes it', () => {
    // started 10 s after boot, now 110 s after boot, used 50 s of CPU -> 50%
    expect(lifetimeCpuPercent(5000, 1000, 110)).toBe(50);
  });
});

describe('shortCommandOf', () => {
  const sample = (args: string[], comm = 'x', state = 'S') => ({ ...row(9, 1, 1), args, comm, state });

  it("puts the program name first and cuts paths to their last part (top's default; c shows all)", () => {
    const python = (script: string) =>
      shortCommandOf(sample(['/root/.pyenv/versions/3.11.7/bin/python3', `/srv/jobs/${script}.py`]));
    expect([python('ingest'), python('report'), python('warm')]).toEqual([
      'python3 ingest.py',
      'python3 report.py',
      'python3 warm.py',
    ]);
    expect(
      shortCommandOf(
        sample(['/usr/bin/node', '--max-old-space-size=4096', '/srv/app/server.js', '-p', '80']),
      ),
    ).toBe('node --max-old-space-size=4096 server.js -p 80');
  });

  it('keeps what is not one path whole: rewritten titles, lists, URLs, relative paths', () => {
    expect(shortCommandOf(sample(['nginx: worker process'], 'nginx'))).toBe('nginx: worker process');
    expect(shortCommandOf(sample(['postgres: 14/main: checkpointer'], 'postgres'))).toBe(
      'postgres: 14/main: checkpointer',
    );
    expect(shortCommandOf(sample(['java', '-cp', '/a/b.jar:/c/d.jar', 'Main']))).toBe(
      'java -cp /a/b.jar:/c/d.jar Main',
    );
    expect(shortCommandOf(sample(['curl', 'https://example.com/a/b']))).toBe('curl https://example.com/a/b');
    expect(shortCommandOf(sample(['./bin/worker', 'jobs/a.py']))).toBe('./bin/worker jobs/a.py');
    expect(shortCommandOf(sample(['/usr/bin/rsync', '/data/', '/backup/']))).toBe('rsync /data/ /backup/');
    expect(shortCommandOf(sample(['/bin/bash', '/dev/fd/3']))).toBe('bash /dev/fd/3');
  });

  it('shows [comm] for kernel threads and an empty argv[0] as comm', () => {
    expect(shortCommandOf(sample([], 'kthreadd'))).toBe('[kthreadd]');
    expect(shortCommandOf(sample([], 'app', 'Z'))).toBe('[app] <defunct>');
    expect(shortCommandOf(sample(['', '--flag'], 'app'))).toBe('app --flag');
  });
});

describe('toRows', () => {
  it('keeps every field of the sample, the optional ones only where present', () => {
    const { user, memPercent, cpuPercent, command, shortCommand, ...sample } = row(7, 1, 64);
    const withSmaps = { ...sample, pid: 8, pssBytes: 1000, ussBytes: 500 };
    const denied = { ...sample, pid: 9, smapsDenied: true };
    const [plain, smaps, refused] = toRows(
      { uptimeSeconds: 100, processes: [sample, withSmaps, denied], smapsDenied: 1 },
      { memTotalBytes: 256 * 1024 * 1024, userNames: new Map([[0, 'root']]) },
    );
    expect(plain).toStrictEqual({
      ...sample,
      user: 'root',
      memPercent: 25,
      cpuPercent: 0,
      command: '/bin/p7',
      shortCommand: 'p7',
    });
    expect(smaps).toMatchObject({ pid: 8, pssBytes: 1000, ussBytes: 500 });
    expect(Object.keys(smaps as object)).not.toContain('smapsDenied');
    expect(refused).toMatchObject({ pid: 9, smapsDenied: true });
    expect(Object.keys(refused as object)).not.toContain('pssBytes');
  });
});
