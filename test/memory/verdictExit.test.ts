/**
 * The ends of recordings: a `-C` sum whose children exit before the end, recorded by the real
 * Recorder from a procfs tree the test writes and changes tick by tick, and a real `mprof attach`
 * file that ends in `MEM 0.000000` lines (its target exited and was not reaped yet). Both used to
 * read "growing-then-stable: levelled off at X after growing +A; now +A": the "now" rate was the
 * growth's own fit, and the trailing zeros were taken for samples.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { parseMprof } from '../../src/memory/mprof.js';
import { Recorder } from '../../src/memory/recorder.js';
import { primarySeries } from '../../src/memory/recording.js';
import { judge } from '../../src/memory/verdict.js';
import { verdictReport } from '../../src/memory/verdictReport.js';
import { verdictSummary } from '../../src/render/verdictText.js';
import { FIXTURES } from '../helpers/hog.js';

const MiB = 1024 * 1024;
const PAGES_PER_MiB = MiB / 4096; // a procfs tree without self/auxv: 4 KiB pages
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A /proc/PID with the two files the recorder reads: stat (ppid, start time) and statm. */
function writeProcess(root: string, pid: number, ppid: number, mib: number): void {
  const dir = join(root, String(pid));
  if (!existsSync(dir)) {
    mkdirSync(dir);
    // fields 3..22 of proc_pid_stat(5); start time (22) = pid, so each process keeps its identity
    const fields = ['S', ppid, pid, pid, 0, -1, 4194560, ...Array(12).fill(0), pid, 0, 0];
    writeFileSync(join(dir, 'stat'), `${pid} (worker) ${fields.join(' ')}\n`);
  }
  const pages = Math.round(mib * PAGES_PER_MiB);
  writeFileSync(join(dir, 'statm'), `${pages + 1000} ${pages} 100 1 0 ${pages} 0\n`);
}

/**
 * `hog run -C` of a 20 MiB parent whose four children each grow 1 MiB/s and exit at `exits` seconds,
 * sampled every 100 ms for `seconds`: the summed series as the recorder keeps it.
 */
function summedSeries(exits: number[], seconds: number) {
  // tmpfs when there is one: the tree is rewritten 321 times
  const root = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'hog-verdict-exit-'));
  dirs.push(root);
  const clock = manualClock(1_800_000_000_000);
  const recorder = new Recorder(
    {
      procRoot: root,
      clock,
      includeChildren: true,
      multiprocess: false,
      wanted: { swap: false, pss: false, uss: false },
    },
    [],
  );
  writeProcess(root, 100, 1, 20);
  const state = recorder.add({ pid: 100, startTicks: 100, name: 'make', command: 'make -j4' });
  for (let tick = 0; tick <= seconds * 10; tick++) {
    const s = tick / 10;
    exits.forEach((exit, i) => {
      if (s < exit) writeProcess(root, 101 + i, 100, s);
      else if (existsSync(join(root, String(101 + i))))
        rmSync(join(root, String(101 + i)), { recursive: true });
    });
    recorder.tick();
    clock.advance(100);
  }
  recorder.close();
  return state.history;
}

const sentence = (samples: Parameters<typeof judge>[0]) => verdictSummary(verdictReport(judge(samples), 0));

describe('a -C sum whose children exit', () => {
  it('grew at one rate and fell at the end: the sentence says so, never the growth rate twice', () => {
    const history = summedSeries([28, 29, 30, 31], 32);
    expect(history).toHaveLength(321);
    expect((history[200]?.bytes ?? 0) / MiB).toBe(100); // 20 + 4 children at 20 s
    expect((history[320]?.bytes ?? 0) / MiB).toBe(20); // all exited
    const verdict = judge(history);
    expect(verdict.class).toBe('growing-then-stable');
    expect(verdict.fit?.slopeBytesPerMinute).not.toBe(verdict.growth?.slopeBytesPerMinute);
    expect(sentence(history)).toBe(
      'growing-then-stable: grew +240.0 MiB/min, then fell: now -840.0 MiB/min, last 20.0 MiB',
    );
  });

  it('claims no "now" rate when the floor fell only in the last moments', () => {
    const history = summedSeries([30, 31, 31.5, 31.8], 32);
    expect(sentence(history)).toBe(
      'growing-then-stable: grew +240.0 MiB/min, then fell to 20.0 MiB at the end',
    );
  });
});

describe('mprof attach files that end in zeros', () => {
  // memory_profiler 0.61 `mprof attach -T 0.5 --timeout 46 PID` of a Python process growing 2 MiB
  // every 0.5 s for ~25 s, then idle 10 s, then exited; its parent reaped it 13 s later (psutil read
  // the zombie as 0 MiB meanwhile): 69 real samples, then 23 lines "MEM 0.000000"
  const file = `${FIXTURES}mprof/attach-exited.dat`;
  const text = readFileSync(file, 'utf8');
  const lines = text.trimEnd().split('\n');

  it('ends the process at its last real sample: the zeros are neither samples nor time', () => {
    expect(lines.filter((l) => l.startsWith('MEM 0.000000 '))).toHaveLength(23);
    const { recording, skipped } = parseMprof(text, file);
    expect(skipped).toBe(0);
    const main = primarySeries(recording);
    const rss = main?.metrics.rss ?? [];
    expect(rss).toHaveLength(69);
    const lastReal = Number(lines[69]?.split(' ')[2]) * 1000; // line 70: the 69th MEM line
    expect(rss[68]?.t).toBe(lastReal);
    expect(recording.run.endedAt).toBe(lastReal);
    expect(main?.endedAt).toBe(lastReal);
    expect(main?.endReason).toBe('exited');
    expect(recording.notes.map((n) => n.text)).toEqual([
      `23 zero readings at the end of ${file} left out: the process had exited (mprof attach reads 0 until it is reaped)`,
    ]);
    const verdict = judge(rss);
    expect(verdict.samples).toBe(69);
    expect(verdict.lastBytes).toBe(rss[68]?.bytes);
    expect(verdict.spanSeconds).toBeCloseTo((lastReal - (rss[0]?.t ?? 0)) / 1000, 6);
    expect(verdict.class).not.toBe('stable'); // with the zeros it read "stable ... not significant"
  });

  it('keeps zeros inside a series, and a series of zeros only', () => {
    const t = (s: number) => (1_700_000_000 + s).toFixed(4);
    const inside = `MEM 5.0 ${t(0)}\nMEM 0.000000 ${t(1)}\nMEM 6.0 ${t(2)}\nMEM 0.000000 ${t(3)}\n`;
    const rss = primarySeries(parseMprof(inside, 'x.dat').recording)?.metrics.rss ?? [];
    expect(rss.map((s) => s.bytes / MiB)).toEqual([5, 0, 6]);
    const zeros = `MEM 0.000000 ${t(0)}\nMEM 0.000000 ${t(1)}\n`;
    expect(primarySeries(parseMprof(zeros, 'z.dat').recording)?.metrics.rss).toHaveLength(2);
  });
});
