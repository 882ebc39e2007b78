import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pairMarkers } from '../../src/memory/markers.js';
import { mprofChild, mprofCmdline, mprofFunc, mprofMem, parseMprof } from '../../src/memory/mprof.js';
import { FIXTURES } from '../helpers/hog.js';

const MiB = 1024 * 1024;

describe('mprof .dat files', () => {
  it('reads MEM, CHLD, FUNC and CMDLINE lines; skips and counts the corrupt and truncated ones', () => {
    const file = `${FIXTURES}mprof/corrupt.dat`;
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
    expect(skipped).toBe(5);
    expect(problems.map((p) => p.line)).toEqual([4, 6, 9, 10, 12]);
    expect(problems[0]?.reason).toBe('MEM needs <MiB> <seconds>');
    expect(problems[2]?.reason).toMatch(/unknown line type "GARBAGE"/);
    expect(recording.notes[0]?.text).toMatch(/5 lines .* skipped/);
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
    const text = `${mprofCmdline('x')}${mprofMem(MiB, 1000)}${mprofMem(2 * MiB, 2000)}${mprofChild(5, MiB, 2000)}`;
    const back = parseMprof(text, 'x');
    expect(back.skipped).toBe(0);
    expect(back.recording.series.map((s) => s.metrics.rss?.length)).toEqual([2, 1]);
  });
});
