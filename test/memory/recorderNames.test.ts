/**
 * The recorder re-reads the name of each process it records: an exec (same PID, same start time, new
 * comm) renames the series; another process that got the PID (new start time) does not. On a procfs tree the test writes, with a sink that keeps what it is told.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { Recorder, type RecorderSink } from '../../src/memory/recorder.js';
import type { Note } from '../../src/memory/recording.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function writeProcess(root: string, pid: number, ppid: number, start: number, comm: string, args: string[]) {
  const dir = join(root, String(pid));
  mkdirSync(dir, { recursive: true });
  const fields = ['S', ppid, pid, pid, 0, -1, 4194560, ...Array(12).fill(0), start, 0, 0];
  writeFileSync(join(dir, 'stat'), `${pid} (${comm}) ${fields.join(' ')}\n`);
  writeFileSync(join(dir, 'comm'), `${comm}\n`);
  writeFileSync(join(dir, 'cmdline'), `${args.join('\0')}\0`);
  writeFileSync(join(dir, 'statm'), '2000 1000 100 1 0 1000 0\n');
}

function setup() {
  const root = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'hog-names-'));
  roots.push(root);
  const clock = manualClock(1_800_000_000_000);
  const renames: { id: number; name: string; command: string }[] = [];
  const ends: number[] = [];
  const notes: Note[] = [];
  const sink: RecorderSink = {
    addSeries: () => {},
    renameSeries: (id, name, command) => renames.push({ id, name, command }),
    endSeries: (id) => ends.push(id),
    samples: () => {},
    markers: () => {},
    note: (n) => notes.push(n),
    flush: () => {},
  };
  const recorder = new Recorder(
    {
      procRoot: root,
      clock,
      includeChildren: false,
      multiprocess: true,
      wanted: { swap: false, pss: false, uss: false },
    },
    [sink],
  );
  writeProcess(root, 100, 1, 5000, 'sh', ['sh', '-c', 'job']);
  writeProcess(root, 101, 100, 5001, 'bash', ['bash', 'inner.sh']);
  const state = recorder.add({ pid: 100, startTicks: 5000, name: 'sh', command: 'sh -c job' });
  const step = () => {
    recorder.tick();
    clock.advance(500);
  };
  return { root, recorder, state, renames, ends, notes, step };
}

describe('names of recorded processes', () => {
  it("renames the series of a process that exec'd, keeping its names in order", () => {
    const { root, recorder, state, renames, notes, step } = setup();
    step();
    const child = state.children.get(101);
    expect(child).toBeDefined();
    writeProcess(root, 101, 100, 5001, 'python3', ['/usr/bin/python3', 'app.py']);
    step();
    expect(renames).toEqual([{ id: child?.id, name: 'python3', command: '/usr/bin/python3 app.py' }]);
    expect(recorder.namesOf(child?.id ?? 0).map((n) => [n.name, n.command])).toEqual([
      ['bash', 'bash inner.sh'],
      ['python3', '/usr/bin/python3 app.py'],
    ]);
    expect(notes.map((n) => n.text)).toEqual([
      "PID 101 is now python3 (was bash): it exec'd another program",
    ]);
    step(); // no change, no new rename
    expect(renames).toHaveLength(1);
    recorder.close();
  });

  it('does not take another process that got the PID for an exec (its start time differs)', () => {
    const { root, recorder, state, renames, notes, step } = setup();
    step();
    const child = state.children.get(101);
    // (on a real /proc the kept files of the old process then fail with ESRCH and its series ends;
    // a written tree cannot do that, so only the name is checked here)
    writeProcess(root, 101, 100, 9999, 'python3', ['/usr/bin/python3', 'other.py']);
    step();
    step();
    expect(renames).toEqual([]);
    expect(notes).toEqual([]);
    expect(recorder.namesOf(child?.id ?? 0).map((n) => n.name)).toEqual(['bash']);
    recorder.close();
  });
});
