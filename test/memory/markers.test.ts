import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonLinesTail } from '../../src/memory/jsonLinesTail.js';
import { pairMarkers, parseMarker } from '../../src/memory/markers.js';
import { parseHeapReport, withPreload } from '../../src/memory/nodeHeap.js';

const dir = mkdtempSync(join(tmpdir(), `hog-issue3-markers-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JSON lines appended by other processes', () => {
  it('returns only complete lines, keeps a half-written one for later, counts bad lines', () => {
    const path = join(dir, 'm.jsonl');
    const tail = new JsonLinesTail(path);
    expect(tail.read()).toEqual([]); // not created yet
    writeFileSync(path, '{"a":1}\n{"b":');
    expect(tail.read()).toEqual([{ a: 1 }]);
    appendFileSync(path, '2}\nnot json\n[1,2]\n{"c":3}');
    expect(tail.read()).toEqual([{ b: 2 }]);
    expect(tail.bad).toBe(2);
    expect(tail.read(true)).toEqual([{ c: 3 }]);
  });
});

describe('the marker contract', () => {
  it('accepts {t, event, name, pid} and rejects anything else', () => {
    expect(parseMarker({ t: 5, event: 'enter', name: 'f', pid: 9 })).toEqual({
      t: 5,
      event: 'enter',
      name: 'f',
      pid: 9,
    });
    expect(parseMarker({ t: 5, event: 'exit', name: 'f' })).toEqual({
      t: 5,
      event: 'exit',
      name: 'f',
      pid: undefined,
    });
    expect(parseMarker({ t: '5', event: 'enter', name: 'f' })).toBeUndefined();
    expect(parseMarker({ t: 5, event: 'call', name: 'f' })).toBeUndefined();
    expect(parseMarker({ t: 5, event: 'enter', name: '' })).toBeUndefined();
    expect(parseMarker({ t: 5, event: 'enter', name: 'f', pid: 1.5 })).toBeUndefined();
  });

  it('pairs entries and exits per function and PID, nested calls included', () => {
    const spans = pairMarkers([
      { t: 1, event: 'enter', name: 'f', pid: 1 },
      { t: 2, event: 'enter', name: 'f', pid: 1 },
      { t: 3, event: 'exit', name: 'f', pid: 1 },
      { t: 4, event: 'enter', name: 'g', pid: 2 },
      { t: 5, event: 'exit', name: 'f', pid: 1 },
    ]);
    expect(spans).toEqual([
      { name: 'f', pid: 1, start: 1, end: 5 },
      { name: 'f', pid: 1, start: 2, end: 3 },
      { name: 'g', pid: 2, start: 4 },
    ]);
  });
});

describe('Node.js heap reports', () => {
  it('maps process.memoryUsage() fields to metrics and ignores malformed reports', () => {
    expect(
      parseHeapReport({ t: 1, pid: 2, heapUsed: 10, heapTotal: 20, external: 3, arrayBuffers: 4 }),
    ).toEqual({
      t: 1,
      pid: 2,
      values: { heap_used: 10, heap_total: 20, external: 3, array_buffers: 4 },
    });
    expect(parseHeapReport({ t: 1, pid: 'x', heapUsed: 1 })).toBeUndefined();
    expect(parseHeapReport({ t: 1, pid: 2 })).toBeUndefined();
  });

  it('adds the preload to NODE_OPTIONS, keeping what was there', () => {
    expect(withPreload(undefined, '/tmp/a b/p.cjs')).toBe('--require "/tmp/a b/p.cjs"');
    expect(withPreload('--max-old-space-size=100', '/p.cjs')).toBe(
      '--max-old-space-size=100 --require "/p.cjs"',
    );
  });
});
