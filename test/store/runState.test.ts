/**
 * Is a run still recording? Its recorder's identity (PID, start time, boot id) against the real /proc:
 * this test process as a live recorder, a child that has exited as a dead one, another boot; runs from
 * before the identity was stored go by how recent their last data is.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { RunInfo } from '../../src/memory/recording.js';
import { bootId, recordedUntil, runState, STALE_MS, selfIdentity } from '../../src/store/runState.js';

const base: RunInfo = {
  id: 1,
  kind: 'watch',
  command: 'w',
  host: 'h',
  startedAt: 1_000_000,
  intervalMs: 1000,
};

describe('runState', () => {
  it('tells a run being recorded from one whose recorder died or whose machine rebooted', () => {
    const self = selfIdentity();
    expect(self.pid).toBe(process.pid);
    const now = Date.now();
    expect(runState({ ...base, recorder: self }, now)).toBe('running');
    expect(runState({ ...base, recorder: self, endedAt: 2_000_000 }, now)).toBe('ended');
    // a process that has exited: its PID is free (or another process's, with another start time)
    const child = spawnSync('sh', ['-c', 'echo $$']);
    const gone = { ...self, pid: Number(child.stdout.toString().trim()) };
    expect(runState({ ...base, recorder: gone }, now)).toBe('interrupted');
    expect(runState({ ...base, recorder: { ...self, startTicks: self.startTicks + 1 } }, now)).toBe(
      'interrupted',
    );
    expect(runState({ ...base, recorder: self }, now, 'another-boot')).toBe('interrupted');
    expect(bootId()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('judges runs without a recorder identity by their last data, and spans them to it', () => {
    const last = 1_000_000 + 30_000;
    const run = { ...base, lastDataAt: last };
    expect(runState(run, last + STALE_MS - 1)).toBe('running');
    expect(runState(run, last + STALE_MS + 1)).toBe('interrupted');
    // a slow recording (every 10 s) is stale only after ten of its intervals
    expect(runState({ ...run, intervalMs: 10_000 }, last + STALE_MS + 1)).toBe('running');
    expect(recordedUntil(run)).toBe(last);
    expect(recordedUntil({ ...run, endedAt: last + 5 })).toBe(last + 5);
    expect(recordedUntil(base)).toBe(base.startedAt);
  });
});
