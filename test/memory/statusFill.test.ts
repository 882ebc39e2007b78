/**
 * The deferred read of hog top (statm for every process, status later for the rows that need it)
 * against the full read, on the real /proc: the same fields, the uid of another user's process
 * included; a process that exits between the two reads comes back as gone.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PerProcessCache, REREAD_EVERY } from '../../src/memory/perProcessCache.js';
import { collectProcesses } from '../../src/memory/processTable.js';
import { toRows } from '../../src/memory/processView.js';
import { fillStatus } from '../../src/memory/statusFill.js';
import { canSwitchUser, skipWithout } from '../helpers/capabilities.js';
import { FIXTURES } from '../helpers/hog.js';
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

/**
 * hog top keeps each process's effective uid between refreshes while the machine uses no swap (then
 * every VmSwap is 0 and status is read only for the uid): on a written /proc tree, where the test
 * changes or removes the status file between refreshes as a setuid or an exit would.
 */
describe('fillStatus with kept uids', () => {
  let proc: string;
  const pid = 8969;
  const status = () => join(proc, String(pid), 'status');
  const names = new Map([
    [0, 'root'],
    [1000, 'alice'],
  ]);
  beforeEach(() => {
    proc = mkdtempSync(join(tmpdir(), 'hog-status-fill-'));
    cpSync(join(FIXTURES, 'machine', 'proc'), proc, { recursive: true });
  });
  afterEach(() => rmSync(proc, { recursive: true, force: true }));

  /** One refresh: fresh rows, as hog top samples them, then the fill. */
  const refresh = (owners: PerProcessCache<number>, swapInUse: boolean) => {
    owners.nextRefresh();
    const rows = toRows(collectProcesses({ procRoot: proc, pids: [pid], deferStatus: true }), {
      memTotalBytes: 1,
      userNames: names,
    });
    const gone = fillStatus(rows, proc, names, { owners, swapInUse });
    return { row: rows[0], gone };
  };

  it('shows a setuid within REREAD_EVERY refreshes, and reads status only when a uid is due', () => {
    const owners = new PerProcessCache<number>();
    expect(refresh(owners, false).row).toMatchObject({ uid: 0, user: 'root', swapBytes: 0 });
    writeFileSync(
      status(),
      readFileSync(status(), 'utf8').replace('Uid:\t0\t0\t0\t0', 'Uid:\t0\t1000\t1000\t1000'),
    );
    const users: string[] = [];
    for (let i = 0; i < REREAD_EVERY; i++) users.push(refresh(owners, false).row?.user ?? '?');
    // the kept uid until this process's turn, then the new one, and it stays
    expect(users.filter((u) => u === 'root').length).toBeLessThan(REREAD_EVERY);
    expect(users.at(-1)).toBe('alice');
    expect(users.indexOf('alice')).toBe(users.filter((u) => u === 'root').length);
    // without the file, the refreshes that are not its turn still fill from the kept uid; its turn reads
    unlinkSync(status());
    const results = Array.from({ length: REREAD_EVERY }, () => refresh(owners, false));
    expect(results.filter((r) => r.gone.has(pid))).toHaveLength(1);
    expect(results.filter((r) => r.row?.user === 'alice' && r.row.statusPending === undefined)).toHaveLength(
      REREAD_EVERY - 1,
    );
  });

  it('reads status at every refresh while swap is in use, for VmSwap', () => {
    const owners = new PerProcessCache<number>();
    writeFileSync(status(), readFileSync(status(), 'utf8').replace(/VmSwap:\s+0 kB/, 'VmSwap:\t    1234 kB'));
    for (let i = 0; i < REREAD_EVERY; i++) {
      expect(refresh(owners, true).row).toMatchObject({ uid: 0, swapBytes: 1234 * 1024 });
    }
    unlinkSync(status());
    expect(refresh(owners, true).gone).toEqual(new Set([pid]));
  });
});
