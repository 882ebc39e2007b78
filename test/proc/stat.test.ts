import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PF_KTHREAD, parseStat, parseStatBytes, readStat } from '../../src/proc/stat.js';
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

  it('reads every live process as a plain split of the line would, from the bytes', () => {
    // the reference: comm up to the last ")", then the fields split on spaces (proc_pid_stat(5))
    let read = 0;
    for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(`/proc/${name}/stat`);
      } catch {
        continue; // exited meanwhile
      }
      const text = bytes.toString('utf8');
      const close = text.lastIndexOf(')');
      const f = [
        '',
        '',
        ...text
          .slice(close + 2)
          .trim()
          .split(' '),
      ].map((x, i) => (i < 3 ? x : Number(x)));
      expect(parseStatBytes(bytes, `/proc/${name}/stat`)).toEqual({
        pid: Number(name),
        comm: text.slice(text.indexOf('(') + 1, close),
        state: f[2],
        ppid: f[3],
        pgrp: f[4],
        session: f[5],
        ttyNr: f[6],
        flags: f[8],
        minorFaults: f[9],
        majorFaults: f[11],
        utimeTicks: f[13],
        stimeTicks: f[14],
        priority: f[17],
        nice: f[18],
        numThreads: f[19],
        startTimeTicks: f[21],
        vsizeBytes: f[22],
        rssPages: f[23],
        processor: f[38],
      });
      read++;
    }
    expect(read).toBeGreaterThan(10);
  });

  it('keeps a UTF-8 name with parentheses whole, and negative fields negative', () => {
    const line = '42 (wörk) (1)) S 1 42 42 0 -1 4194560 5 0 0 0 7 3 0 0 -2 -5 1 0 123 4096 9 0\n';
    const s = parseStatBytes(Buffer.from(line));
    expect(s).toMatchObject({ pid: 42, comm: 'wörk) (1)', state: 'S', ttyNr: 0, priority: -2, nice: -5 });
    expect(s).toMatchObject({
      utimeTicks: 7,
      stimeTicks: 3,
      startTimeTicks: 123,
      vsizeBytes: 4096,
      rssPages: 9,
    });
    expect(s.processor).toBeUndefined();
  });

  it('names the file only when the line is malformed, from a function', () => {
    let asked = 0;
    const file = () => {
      asked++;
      return '/proc/7/stat';
    };
    parseStatBytes(Buffer.from(fixture(1)), file);
    expect(asked).toBe(0);
    expect(() => parseStatBytes(Buffer.from('7 (x) R 1'), file)).toThrow(
      /\/proc\/7\/stat.*malformed stat line/,
    );
  });
});
