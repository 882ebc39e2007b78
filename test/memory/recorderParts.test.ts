import { describe, expect, it } from 'vitest';
import { appendToHistory, compactHistory, MAX_HISTORY } from '../../src/memory/historyCompaction.js';
import { descendantsOf, ProcessTable } from '../../src/memory/processTree.js';
import { FIXTURES } from '../helpers/hog.js';

describe('recorder parts', () => {
  it('walks the descendants of a process, not its siblings, and not through a dead parent', () => {
    const p = (pid: number, ppid: number) => [pid, { pid, ppid, startTicks: pid, comm: `p${pid}` }] as const;
    const table = new Map([p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(13, 10), p(20, 1), p(30, 99)]);
    expect(descendantsOf(10, table).map((x) => x.pid)).toEqual([11, 13, 12]);
    expect(descendantsOf(20, table)).toEqual([]);
    expect(descendantsOf(99, table).map((x) => x.pid)).toEqual([30]);
  });

  it('keeps a process table of a procfs tree (here a fixture without loadavg: listed every time)', () => {
    const table = new ProcessTable(`${FIXTURES}machine/proc`);
    const first = table.refresh();
    expect(first.get(8969)?.comm).toBe('a) b');
    const reads = table.statReads;
    table.refresh();
    expect(table.statReads).toBe(reads); // known PIDs are not read again
    table.close();
  });

  it('halves a history keeping the lower sample of each pair (the lower envelope survives)', () => {
    const history = [5, 3, 8, 9, 2, 7, 6].map((bytes, i) => ({ t: i, bytes }));
    expect(compactHistory(history).map((s) => s.bytes)).toEqual([3, 8, 2, 6]);
  });

  it('appends to a history until it passes MAX_HISTORY samples, then halves it', () => {
    let history = [{ t: 0, bytes: 10 }];
    history = appendToHistory(history, { t: 1, bytes: 5 });
    expect(history).toEqual([
      { t: 0, bytes: 10 },
      { t: 1, bytes: 5 },
    ]);
    history = Array.from({ length: MAX_HISTORY }, (_, t) => ({ t, bytes: 100 + (t % 2) }));
    history = appendToHistory(history, { t: MAX_HISTORY, bytes: 1 });
    expect(history.length).toBe(MAX_HISTORY / 2 + 1);
    expect(history[0]).toEqual({ t: 0, bytes: 100 });
    expect(history.at(-1)).toEqual({ t: MAX_HISTORY, bytes: 1 });
  });
});
