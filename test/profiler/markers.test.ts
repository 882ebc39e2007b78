import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MarkerWriter, markerLine, markerWriterFromEnv } from '../../src/profiler/markers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), `hog-test-issue4-${process.pid}-`));
  dirs.push(d);
  return d;
}

describe('markers for hog run', () => {
  it('one JSON line with exactly t, event, name, pid', () => {
    expect(markerLine({ t: 1700000000123, event: 'enter', name: 'Store.load', pid: 42 })).toBe(
      '{"t":1700000000123,"event":"enter","name":"Store.load","pid":42}\n',
    );
  });

  it('appends, buffered, and writes everything on flush', () => {
    const file = join(tempDir(), 'markers.jsonl');
    const writer = new MarkerWriter(file);
    writer.write('enter', 'a', 1);
    writer.write('exit', 'a', 2);
    writer.close();
    new MarkerWriter(file).close(); // nothing buffered: nothing written, nothing truncated
    const again = new MarkerWriter(file);
    again.write('enter', 'b', 3);
    again.close();
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { t: 1, event: 'enter', name: 'a', pid: process.pid },
      { t: 2, event: 'exit', name: 'a', pid: process.pid },
      { t: 3, event: 'enter', name: 'b', pid: process.pid },
    ]);
  });

  it('an unwritable file: one warning, then markers are off (the program goes on)', () => {
    const warnings: string[] = [];
    const writer = new MarkerWriter(join(tempDir(), 'no', 'such', 'dir', 'm.jsonl'), (m) => warnings.push(m));
    writer.write('enter', 'a');
    writer.flush();
    writer.write('exit', 'a');
    writer.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('cannot write function markers');
  });

  it('only when HOG_MARKER_FILE is set', () => {
    expect(markerWriterFromEnv({})).toBeUndefined();
    expect(markerWriterFromEnv({ HOG_MARKER_FILE: '/tmp/x' })?.path).toBe('/tmp/x');
  });
});
