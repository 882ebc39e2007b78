import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { pairMarkers } from '../../src/memory/markers.js';
import { mprofChild, mprofCmdline, mprofFunc, mprofMem, parseMprof } from '../../src/memory/mprof.js';
import { FIXTURES } from '../helpers/hog.js';

const MiB = 1024 * 1024;

describe('mprof .dat files', () => {
  it('reads MEM, CHLD, FUNC and CMDLINE lines; skips, counts and names other types, empty lines and an incomplete last line', () => {
    const file = `${FIXTURES}mprof/skipped.dat`;
    const { recording, skipped, problems } = parseMprof(readFileSync(file, 'utf8'), file);
    expect(recording.run.command).toBe('python3 app.py --serve');
    const [main, child] = recording.series;
    expect(main?.metrics.rss?.map((s) => s.bytes / MiB)).toEqual([10.5, 11.5, 13.5]);
    expect(main?.metrics.rss?.[1]?.t).toBe(1_700_000_000_500);
    expect(child?.pid).toBe(4321);
    expect(child?.metrics.rss?.map((s) => s.bytes / MiB)).toEqual([3, 4]);
    expect(recording.markers).toEqual([
      { t: 1_700_000_000_100, event: 'enter', name: '__main__.load' },
      { t: 1_700_000_000_400, event: 'exit', name: '__main__.load' },
    ]);
    expect(skipped).toBe(4);
    expect(problems).toEqual([
      { line: 6, reason: 'unknown line type "GARBAGE"' },
      { line: 7, reason: 'empty line' },
      { line: 10, reason: 'unknown line type "MARK"' },
      {
        line: 11,
        reason:
          'incomplete last line (no newline): incomplete line: no MEM <seconds>; expected "MEM <MiB> <seconds>"',
      },
    ]);
    expect(recording.notes[0]?.text).toMatch(/4 lines .* skipped/);
  });

  // Each bad line stops the parse with FILE:LINE and why (the line numbers count the CMDLINE line).
  const BAD: [string, string, string][] = [
    ['truncated MEM', 'MEM 12.5', '2: incomplete line: no MEM <seconds>; expected "MEM <MiB> <seconds>"'],
    ['MEM with nothing', 'MEM', '2: incomplete line: no MEM <MiB>; expected "MEM <MiB> <seconds>"'],
    ['a word for MiB', 'MEM twelve 1700000000', '2: MEM <MiB> is not a decimal number: "twelve"'],
    ['NaN MiB', 'MEM NaN 1700000000', '2: MEM <MiB> is not a decimal number: "NaN"'],
    ['nan seconds', 'MEM 1 nan', '2: MEM <seconds> is not a decimal number: "nan"'],
    ['inf seconds', 'MEM 1 inf', '2: MEM <seconds> is not a decimal number: "inf"'],
    ['hexadecimal', 'MEM 0x10 1700000000', '2: MEM <MiB> is not a decimal number: "0x10"'],
    [
      '1e400 MiB (Infinity)',
      'MEM 1e400 1700000000',
      '2: MEM <MiB> 1e400 is out of range (0 to 4294967296 MiB, 4 PiB)',
    ],
    ['1e23 MiB', 'MEM 1e23 1700000000', '2: MEM <MiB> 1e23 is out of range (0 to 4294967296 MiB, 4 PiB)'],
    ['negative MiB', 'MEM -1 1700000000', '2: MEM <MiB> -1 is out of range (0 to 4294967296 MiB, 4 PiB)'],
    ['1e15 seconds', 'MEM 1 1e15', '2: MEM <seconds> 1e15 is not a Unix time from 1990 to 2100'],
    ['1e400 seconds', 'MEM 1 1e400', '2: MEM <seconds> 1e400 is not a Unix time from 1990 to 2100'],
    ['negative seconds', 'MEM 1 -5', '2: MEM <seconds> -5 is not a Unix time from 1990 to 2100'],
    ['seconds since boot', 'MEM 1 12345.6', '2: MEM <seconds> 12345.6 is not a Unix time from 1990 to 2100'],
    [
      'MEM going backwards',
      'MEM 1 1700000001\nMEM 1 1700000002\nMEM 1 1700000000.5',
      "4: time 1700000000.5 is before the previous sample's (1700000002, line 3)",
    ],
    [
      'a child going backwards (children are ordered each on its own)',
      'CHLD 7 1 1700000001\nCHLD 8 1 1700000000\nCHLD 7 1 1700000000',
      "4: time 1700000000 is before the previous sample's (1700000001, line 2)",
    ],
    ['CHLD without id', 'CHLD', '2: incomplete line: no <id>; expected "CHLD <id> <MiB> <seconds>"'],
    [
      'CHLD 1e23 MiB',
      'CHLD 7 1e23 1700000000',
      '2: CHLD <MiB> 1e23 is out of range (0 to 4294967296 MiB, 4 PiB)',
    ],
    [
      'truncated FUNC',
      'FUNC f 1 1700000000 2',
      '2: incomplete line: no FUNC <end>; expected "FUNC <name> <MiB> <start> <MiB> <end> [level]"',
    ],
    [
      'FUNC ending before it starts',
      'FUNC f 1 1700000002 2 1700000001',
      '2: FUNC f ends (1700000001) before it starts (1700000002)',
    ],
    [
      'FUNC with a bad level',
      'FUNC f 1 1700000001 2 1700000002 x',
      '2: FUNC [level] is not a whole number: "x"',
    ],
  ];
  for (const [what, lines, error] of BAD) {
    it(`stops at a bad line with its number: ${what}`, () => {
      const text = `CMDLINE python3 app.py\n${lines}\nMEM 1 1800000000\n`;
      let thrown: unknown;
      try {
        parseMprof(text, 'bad.dat');
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ParseError);
      expect((thrown as ParseError).message).toBe(`bad.dat:${error}`);
      expect((thrown as ParseError).line).toBe(Number(error.split(':')[0]));
      expect((thrown as ParseError).exitCode).toBe(2);
    });
  }

  it('accepts the bounds themselves, equal times, CRLF endings and the numbers Python writes', () => {
    const text = `CMDLINE x\r\nMEM 0 631152000\r\nMEM 4294967296 631152000\nMEM .5 4.1e9\nMEM 1. 4102444800\n`;
    const { recording } = parseMprof(text, 'x');
    expect(recording.series[0]?.metrics.rss?.map((s) => [s.bytes, s.t])).toEqual([
      [0, 631_152_000_000],
      [2 ** 52, 631_152_000_000],
      [MiB / 2, 4_100_000_000_000],
      [MiB, 4_102_444_800_000],
    ]);
  });

  it('writes lines in the format memory_profiler writes and reads', () => {
    expect(mprofCmdline('node app.js\n--x')).toBe('CMDLINE node app.js --x\n');
    expect(mprofMem(12.5 * MiB, 1_700_000_000_123)).toBe('MEM 12.500000 1700000000.1230\n');
    expect(mprofChild(77, 3 * MiB, 1_700_000_000_000)).toBe('CHLD 77 3.000000 1700000000.0000\n');
    const [span] = pairMarkers([
      { t: 1000, event: 'enter', name: 'load data', pid: 1 },
      { t: 3000, event: 'exit', name: 'load data', pid: 1 },
    ]);
    expect(mprofFunc(span as never, (t) => (t < 2000 ? MiB : 2 * MiB))).toBe(
      'FUNC load_data 1.0000 1.0000 2.0000 3.0000 0\n',
    );
    const t0 = 1_700_000_000_000;
    const text = `${mprofCmdline('x')}${mprofMem(MiB, t0)}${mprofMem(2 * MiB, t0 + 1000)}${mprofChild(5, MiB, t0 + 1000)}`;
    const back = parseMprof(text, 'x');
    expect(back.skipped).toBe(0);
    expect(back.recording.series.map((s) => s.metrics.rss?.length)).toEqual([2, 1]);
  });
});
