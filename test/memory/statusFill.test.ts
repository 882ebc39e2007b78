/**
 * The deferred read of hog top (statm for every process, status later for the rows that need it)
 * against the full read, on the real /proc: the same fields, the uid of another user's process
 * included; a process that exits between the two reads comes back as gone.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectProcesses } from '../../src/memory/processTable.js';
import { toRows } from '../../src/memory/processView.js';
import { fillStatus } from '../../src/memory/statusFill.js';
import { canSwitchUser, skipWithout } from '../helpers/capabilities.js';
import { waitFor } from '../helpers/processes.js';

const noNobody = skipWithout('a process as nobody', canSwitchUser);

describe.skipIf(noNobody)('the deferred read on the real /proc', () => {
  it('gives the fields of the full read, the uid of a process of nobody included', async () => {
    const child = spawn('sleep', ['300'], { uid: 65534, gid: 65534, stdio: 'ignore' });
    const pid = child.pid as number;
    try {
      // sleeping in sleep: exec'd (as nobody) and settled, so its memory stays as it is between reads
      await waitFor(() => / \(sleep\) S /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')), 'sleep to sleep');
      const names = new Map([[65534, 'nobody']]);
      const row = (deferStatus: boolean) => {
        const rows = toRows(collectProcesses({ pids: [pid], deferStatus }), {
          memTotalBytes: 1,
          userNames: names,
        });
        if (deferStatus) expect(fillStatus(rows, '/proc', names)).toEqual(new Set());
        const { cpuPercent: _cpu, memPercent: _mem, ...rest } = rows[0] as NonNullable<(typeof rows)[0]>;
        return rest;
      };
      const full = row(false);
      expect(full.user).toBe('nobody');
      expect(row(true)).toEqual(full);
      // a process gone between the statm read and the status read: its PID comes back as gone
      const rows = toRows(collectProcesses({ pids: [pid], deferStatus: true }), {
        memTotalBytes: 1,
        userNames: names,
      });
      expect(rows[0]?.statusPending).toBe(true);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      expect(fillStatus(rows, '/proc', names)).toEqual(new Set([pid]));
    } finally {
      child.kill('SIGKILL');
    }
  });
});
