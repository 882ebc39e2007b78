import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PF_KTHREAD, parseStat, readStat } from '../../src/proc/stat.js';
import { FIXTURES } from '../helpers/hog.js';

const fixture = (pid: number) => readFileSync(`${FIXTURES}machine/proc/${pid}/stat`, 'utf8');

describe('parseStat', () => {
  it('reads a captured user process', () => {
    const s = parseStat(fixture(1));
    expect(s.pid).toBe(1);
    expect(s.comm).toBe('process_api');
    expect(s.state).toBe('S');
    expect(s.ppid).toBe(0);
    expect(s.numThreads).toBe(13);
    expect(s.vsizeBytes).toBe(37703680);
    expect(s.flags & PF_KTHREAD).toBe(0);
  });

  it('keeps a command name with a space and a parenthesis whole ("a) b")', () => {
    const s = parseStat(fixture(8969));
    expect(s.comm).toBe('a) b');
    expect(s.state).toBe('S');
    expect(s.ppid).toBe(1);
    expect(s.startTimeTicks).toBe(115656);
  });

  it('takes the last ")" as the end of comm, whatever the name holds', () => {
    const s = parseStat('77 (x) (y) Z) R 5 77 77 0 -1 4194304 1 0 0 0 12 3 0 0 20 0 1 0 999 4096 1 0 0');
    expect(s.comm).toBe('x) (y) Z');
    expect(s.state).toBe('R');
    expect(s.utimeTicks).toBe(12);
    expect(s.stimeTicks).toBe(3);
    expect(s.startTimeTicks).toBe(999);
  });

  it('marks a kernel thread with PF_KTHREAD', () => {
    const s = parseStat(fixture(2));
    expect(s.comm).toBe('kthreadd');
    expect(s.flags & PF_KTHREAD).not.toBe(0);
    expect(s.vsizeBytes).toBe(0);
  });

  it('reads a zombie', () => {
    const s = parseStat(fixture(8972));
    expect(s.state).toBe('Z');
    expect(s.rssPages).toBe(0);
  });

  it('rejects text that is not a stat line', () => {
    expect(() => parseStat('')).toThrow(/malformed stat/);
    expect(() => parseStat('12 (short) R 1')).toThrow(/malformed stat/);
  });

  it('reads this very process from the real /proc', () => {
    const s = readStat(process.pid);
    expect(s.pid).toBe(process.pid);
    expect(s.state).toMatch(/[RS]/);
  });
});
