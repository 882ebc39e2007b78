import { describe, expect, it } from 'vitest';
import { collectCpuTicks, collectProcesses } from '../../src/memory/processTable.js';
import { commandOf, toRows } from '../../src/memory/processView.js';
import { FIXTURES } from '../helpers/hog.js';

const procRoot = `${FIXTURES}machine/proc`;

describe('collectProcesses on a captured /proc', () => {
  const snapshot = collectProcesses({ procRoot });
  const byPid = new Map(snapshot.processes.map((p) => [p.pid, p]));

  it('skips a process that vanished between reading its stat and its status', () => {
    expect(byPid.has(4242)).toBe(false);
    expect([...byPid.keys()].sort((a, b) => a - b)).toEqual([1, 2, 8969, 8972, 8980]);
  });

  it('takes RES, SHR, VIRT and SWAP from status', () => {
    const node = byPid.get(8980);
    // the fixture's status: VmRSS 40264 kB, RssFile 33940 kB + RssShmem 0 kB (top's SHR), VmSize 728236 kB
    expect(node?.resBytes).toBe(40264 * 1024);
    expect(node?.shrBytes).toBe(33940 * 1024);
    expect(node?.virtBytes).toBe(728236 * 1024);
    expect(node?.swapBytes).toBe(0);
    expect(node?.args[0]).toBe('node');
  });

  it('shows kernel threads and zombies as ps does, with zero memory', () => {
    const kthread = byPid.get(2);
    expect(kthread?.kernelThread).toBe(true);
    expect(kthread?.resBytes).toBe(0);
    expect(commandOf(kthread as NonNullable<typeof kthread>)).toBe('[kthreadd]');
    const zombie = byPid.get(8972);
    expect(zombie?.state).toBe('Z');
    expect(commandOf(zombie as NonNullable<typeof zombie>)).toBe('[sleep] <defunct>');
  });

  it('keeps the name "a) b"', () => {
    expect(byPid.get(8969)?.comm).toBe('a) b');
  });

  it('reads PSS/USS only when asked; a kernel thread has none', () => {
    expect(byPid.get(8980)?.pssBytes).toBeUndefined();
    const withSmaps = collectProcesses({ procRoot, smaps: true });
    const node = withSmaps.processes.find((p) => p.pid === 8980);
    expect(node?.pssBytes).toBe(38164 * 1024);
    expect(node?.ussBytes).toBe((31268 + 6324) * 1024);
    expect(withSmaps.processes.find((p) => p.pid === 2)?.pssBytes).toBeUndefined();
    expect(withSmaps.smapsDenied).toBe(0);
  });

  it('only the PIDs asked for; a missing one is just absent', () => {
    expect(collectProcesses({ procRoot, pids: [1, 999] }).processes.map((p) => p.pid)).toEqual([1]);
    expect([...collectCpuTicks({ procRoot, pids: [1, 4242, 999] }).keys()]).toEqual([1, 4242]);
  });

  it('derives %MEM from MemTotal and lifetime CPU% from uptime', () => {
    const rows = toRows(snapshot, { memTotalBytes: 1024 * 1024 * 1024, userNames: new Map([[0, 'root']]) });
    const node = rows.find((r) => r.pid === 8980);
    expect(node?.user).toBe('root');
    expect(node?.memPercent).toBeCloseTo(((node?.resBytes ?? 0) / (1024 * 1024 * 1024)) * 100, 6);
    // fixture: utime 7 + stime 3 ticks, started at tick 115720 (1157.20 s), uptime 1157.54 s: ps's
    // lifetime %CPU is 0.10 s of CPU over 0.34 s alive
    expect(node?.cpuTicks).toBe(10);
    expect(node?.cpuPercent).toBeCloseTo((0.1 / (1157.54 - 1157.2)) * 100, 6);
  });
});
