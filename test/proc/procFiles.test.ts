import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProcFiles } from '../../src/proc/procFiles.js';
import { FIXTURES } from '../helpers/hog.js';
import { type Child, spawnAllocator } from '../helpers/processes.js';

const nativeBuilt = existsSync(new URL('../../dist/native/hog_procread.node', import.meta.url));
const procRoot = `${FIXTURES}machine/proc`;
const names = ['stat', 'status', 'cmdline'];

describe('readProcFiles', () => {
  it('the JavaScript reader returns each file, or the errno of a failed read', () => {
    const files = readProcFiles(procRoot, [1, 4242, 999], names, { javascript: true });
    expect(files.reader).toBe('javascript');
    expect(files.get(0, 'stat')).toEqual(readFileSync(`${procRoot}/1/stat`));
    expect(files.get(1, 'stat')).toEqual(readFileSync(`${procRoot}/4242/stat`));
    expect(files.get(1, 'status')).toBe('ENOENT');
    expect(files.get(2, 'cmdline')).toBe('ENOENT');
  });

  describe.runIf(nativeBuilt)('the native reader (hog_procread)', () => {
    let child: Child;
    beforeAll(async () => {
      child = await spawnAllocator(8);
    });
    afterAll(() => child.stop());

    it('gives the same bytes and errors as the JavaScript reader on a fixture tree', () => {
      const pids = [1, 2, 8969, 8972, 8980, 4242, 999];
      const native = readProcFiles(procRoot, pids, names);
      const js = readProcFiles(procRoot, pids, names, { javascript: true });
      expect(native.reader).toBe('native');
      for (const [i] of pids.entries()) {
        for (const name of names) expect(native.get(i, name)).toEqual(js.get(i, name));
      }
    });

    it('reads a live process whole: cmdline and status as the kernel prints them', () => {
      const files = readProcFiles('/proc', [child.pid], names);
      expect(files.get(0, 'cmdline')).toEqual(readFileSync(`/proc/${child.pid}/cmdline`));
      const status = files.get(0, 'status') as Buffer;
      expect(status.toString()).toMatch(
        new RegExp(`^Name:\\tnode\\n[\\s\\S]*\\nPid:\\t${child.pid}\\n[\\s\\S]*VmRSS:`),
      );
    });
  });
});
