import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { pageSize } from '../../src/proc/pageSize.js';
import { heapReader, rssReader, youngGenerationReader } from '../../src/profiler/probe.js';

describe('memory probe', () => {
  it('heap: sees a Buffer (external memory) exactly, and reading allocates nothing once warm', () => {
    const reader = heapReader();
    for (let i = 0; i < 100_000; i++) reader.read(); // let V8 optimise the reader
    const before = reader.read();
    const buffer = Buffer.alloc(4 * 1024 * 1024);
    const after = reader.read();
    expect(after - before).toBeGreaterThanOrEqual(buffer.length);
    expect(after - before).toBeLessThan(buffer.length + 64 * 1024);
  });

  it('rss: whole pages, above the heap figure', () => {
    const rss = rssReader();
    const value = rss.read();
    rss.close();
    expect(value % 4096).toBe(0);
    expect(value).toBeGreaterThan(heapReader().read() / 4);
    expect(Math.abs(value - process.memoryUsage.rss())).toBeLessThan(64 * 1024 * 1024);
  });

  it("young generation: the bytes used in V8's new spaces, as v8.getHeapSpaceStatistics() reports them", () => {
    const read = youngGenerationReader();
    const young = () =>
      getHeapSpaceStatistics()
        .filter((s) => s.space_name === 'new_space' || s.space_name === 'new_large_object_space')
        .reduce((sum, s) => sum + s.space_used_size, 0);
    // young-generation use only grows between scavenges: the reference read between two readings of
    // the reader lies between them, unless a scavenge ran in between (then try again)
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = read();
      const reference = young();
      const after = read();
      if (after < before) continue;
      expect(reference).toBeGreaterThanOrEqual(before);
      expect(reference).toBeLessThanOrEqual(after);
      expect(after - before).toBeLessThan(256 * 1024);
      return;
    }
    throw new Error('a scavenge ran during each of 5 attempts');
  });

  it('rss: resident pages of statm (proc/statm.ts) times the page size (proc/pageSize.ts), at every reading', () => {
    const root = mkdtempSync(join(tmpdir(), 'hog-probe-'));
    try {
      mkdirSync(join(root, 'self'));
      const statm = join(root, 'self', 'statm');
      writeFileSync(statm, '1206 514 380 5 0 134 0\n');
      const rss = rssReader(root);
      expect(rss.read()).toBe(514 * pageSize());
      // the file is read again at each reading, through the same descriptor: a shorter line, no stale digits
      writeFileSync(statm, '1206 60 38 5 0 134 0\n');
      expect(rss.read()).toBe(60 * pageSize());
      writeFileSync(statm, '1206 x 38 5 0 134 0\n');
      expect(() => rss.read()).toThrow(`${statm}:1: malformed statm: "1206 x 38 5 0 134 0"`);
      rss.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
