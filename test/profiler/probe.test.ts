import { describe, expect, it } from 'vitest';
import {
  heapReader,
  parseStatmResidentPages,
  rssReader,
  youngGenerationReader,
} from '../../src/profiler/probe.js';

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

  it('young generation: a number of bytes', () => {
    expect(youngGenerationReader()()).toBeGreaterThanOrEqual(0);
  });

  it('parses /proc/PID/statm', () => {
    expect(parseStatmResidentPages('1206 514 380 5 0 134 0\n')).toBe(514);
    expect(() => parseStatmResidentPages('')).toThrow(/unexpected statm/);
  });
});
