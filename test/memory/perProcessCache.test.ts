/**
 * hog top keeps command lines between refreshes (src/memory/perProcessCache.ts): what it shows must still
 * follow an exec at once, a retitled process (setproctitle: only the cmdline changes) within
 * REREAD_EVERY refreshes, and another process on the same PID at once. On a written /proc tree, where
 * the test changes the files between refreshes as the kernel would.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PerProcessCache, REREAD_EVERY, REREAD_OFF_SCREEN_EVERY } from '../../src/memory/perProcessCache.js';
import { collectProcesses } from '../../src/memory/processTable.js';
import { FIXTURES } from '../helpers/hog.js';

describe('PerProcessCache', () => {
  it('keeps a line for the same process until its turn, and forgets the others', () => {
    const cache = new PerProcessCache<string[]>();
    cache.nextRefresh();
    cache.set(7, 100, 'sleep', ['sleep', '30']);
    const kept: boolean[] = [];
    for (let i = 0; i < REREAD_EVERY; i++) {
      cache.nextRefresh();
      kept.push(cache.get(7, 100, 'sleep') !== undefined);
    }
    // exactly one refresh in REREAD_EVERY reads it again
    expect(kept.filter((k) => !k)).toHaveLength(1);
    expect(cache.get(7, 101, 'sleep')).toBeUndefined(); // another process with the PID
    expect(cache.get(7, 100, 'python3')).toBeUndefined(); // an exec
    cache.keepOnly(new Set([8]));
    expect(cache.size).toBe(0);
  });
});

describe('collectProcesses with kept command lines', () => {
  let proc: string;
  const pid = 8969; // "/tmp/a) b" 300 in the fixture
  const stat = () => join(proc, String(pid), 'stat');
  const cmdline = () => join(proc, String(pid), 'cmdline');
  const argsOf = (cache: PerProcessCache<string[]>) =>
    collectProcesses({ procRoot: proc, cmdlines: cache }).processes.find((p) => p.pid === pid)?.args;

  beforeEach(() => {
    proc = mkdtempSync(join(tmpdir(), 'hog-cmdline-cache-'));
    cpSync(join(FIXTURES, 'machine', 'proc'), proc, { recursive: true });
  });
  afterEach(() => rmSync(proc, { recursive: true, force: true }));

  it('reads every line at the first refresh, as without the cache', () => {
    const cache = new PerProcessCache<string[]>();
    const withCache = collectProcesses({ procRoot: proc, cmdlines: cache }).processes;
    const without = collectProcesses({ procRoot: proc }).processes;
    expect(withCache).toEqual(without);
    expect(withCache.find((p) => p.pid === pid)?.args).toEqual(['/tmp/a) b', '300']);
    expect(cache.size).toBe(withCache.filter((p) => !p.kernelThread).length);
  });

  it('follows an exec at the next refresh', () => {
    const cache = new PerProcessCache<string[]>();
    expect(argsOf(cache)).toEqual(['/tmp/a) b', '300']);
    writeFileSync(stat(), readFileSync(stat(), 'utf8').replace('(a) b)', '(sleep)'));
    writeFileSync(cmdline(), 'sleep\x0030\x00');
    expect(argsOf(cache)).toEqual(['sleep', '30']);
  });

  it('follows another process on the same PID at the next refresh', () => {
    const cache = new PerProcessCache<string[]>();
    expect(argsOf(cache)).toEqual(['/tmp/a) b', '300']);
    // same name, later start time (field 22)
    writeFileSync(stat(), readFileSync(stat(), 'utf8').replace(' 115656 ', ' 115999 '));
    writeFileSync(cmdline(), '/tmp/a) b\x00400\x00');
    expect(argsOf(cache)).toEqual(['/tmp/a) b', '400']);
  });

  it('shows a new title (name and start time unchanged) within REREAD_EVERY refreshes', () => {
    const cache = new PerProcessCache<string[]>();
    argsOf(cache);
    writeFileSync(cmdline(), 'a) b: serving 12 clients\x00');
    const seen = Array.from({ length: REREAD_EVERY }, () => argsOf(cache));
    expect(seen).toContainEqual(['a) b: serving 12 clients']);
    // once read, the new title stays
    expect(seen.at(-1)).toEqual(['a) b: serving 12 clients']);
  });

  it('drops a process whose cmdline is gone when read (it exited between the two reads)', () => {
    const cache = new PerProcessCache<string[]>();
    argsOf(cache);
    writeFileSync(stat(), readFileSync(stat(), 'utf8').replace('(a) b)', '(sleep)'));
    rmSync(cmdline());
    const pids = collectProcesses({ procRoot: proc, cmdlines: cache }).processes.map((p) => p.pid);
    expect(pids).not.toContain(pid);
    expect(pids).toContain(8972);
  });

  it('reads the line of a process off screen again once in REREAD_OFF_SCREEN_EVERY refreshes, on screen once in REREAD_EVERY', () => {
    const cache = new PerProcessCache<string[]>();
    const collect = (onScreen: Set<number>) =>
      collectProcesses({ procRoot: proc, cmdlines: cache, onScreen }).processes.find((p) => p.pid === pid)
        ?.args;
    collect(new Set());
    // a new title before every refresh: a refresh shows its own title only when it read the file
    const reads = (refreshes: number, onScreen: Set<number>) => {
      let read = 0;
      for (let k = 0; k < refreshes; k++) {
        const title = `a) b: title ${onScreen.size}-${k}`;
        writeFileSync(cmdline(), `${title}\x00`);
        if (collect(onScreen)?.[0] === title) read++;
      }
      return read;
    };
    expect(reads(REREAD_OFF_SCREEN_EVERY, new Set([1]))).toBe(1);
    expect(reads(2 * REREAD_OFF_SCREEN_EVERY, new Set([1]))).toBe(2);
    expect(reads(REREAD_OFF_SCREEN_EVERY, new Set([1, pid]))).toBe(REREAD_OFF_SCREEN_EVERY / REREAD_EVERY);
  });

  it('keeps the same array for a line read again unchanged, and a new one for a changed line', () => {
    const cache = new PerProcessCache<string[]>();
    const first = argsOf(cache);
    const later = Array.from({ length: REREAD_EVERY }, () => argsOf(cache));
    // the due refresh read the file again; the line was the same, so the array is the kept one
    for (const args of later) expect(args).toBe(first);
    writeFileSync(cmdline(), '/tmp/a) b\x00301\x00');
    const changed = Array.from({ length: REREAD_EVERY }, () => argsOf(cache)).at(-1);
    expect(changed).toEqual(['/tmp/a) b', '301']);
    expect(changed).not.toBe(first);
  });
});
