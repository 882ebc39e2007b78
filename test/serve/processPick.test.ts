import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pickProcesses } from '../../src/serve/processPick.js';

const root = mkdtempSync(join(tmpdir(), 'hog-pick-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function processWithStatm(pid: number, statm: string): void {
  mkdirSync(join(root, `${pid}`));
  writeFileSync(join(root, `${pid}`, 'statm'), statm);
}

describe('pickProcesses', () => {
  it('ranks by statm resident pages; kernel threads (zeros, or an empty statm) and a malformed statm are passed over', () => {
    processWithStatm(10, '1206 100 80 5 0 134 0\n');
    processWithStatm(11, '0 0 0 0 0 0 0\n'); // a kernel thread
    processWithStatm(12, ''); // a kernel thread on an old kernel
    processWithStatm(13, '1206 x 80 5 0 134 0\n');
    processWithStatm(14, '9000 300 80 5 0 134 0\n');
    processWithStatm(15, '9000 200 80 5 0 134 0\n');
    expect(pickProcesses(root, 2, [13, 10], 4096)).toEqual([14, 15, 13, 10]);
    expect(pickProcesses(root, 10, [], 4096)).toEqual([14, 15, 10]);
  });
});
