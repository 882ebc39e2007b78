import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStatus, parseStatusMask, readStatus } from '../../src/proc/status.js';
import { canSwitchUser, skipWithout } from '../helpers/capabilities.js';
import { FIXTURES } from '../helpers/hog.js';

const fixture = (pid: number) => readFileSync(`${FIXTURES}machine/proc/${pid}/status`, 'utf8');

describe('parseStatus', () => {
  it('converts the memory lines of a user process to bytes', () => {
    const text = fixture(8980);
    const s = parseStatus(text);
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]) * 1024;
    expect(s.name).toBe('node');
    expect(s.vmRssBytes).toBe(kb('VmRSS'));
    expect(s.vmSizeBytes).toBe(kb('VmSize'));
    expect(s.rssFileBytes).toBe(kb('RssFile'));
    expect(s.rssShmemBytes).toBe(kb('RssShmem'));
    expect(s.vmSwapBytes).toBe(kb('VmSwap'));
    expect(s.uid).toBe(0);
    expect(s.kthread).toBe(false);
    expect(s.threads).toBeGreaterThan(1);
  });

  it('has no memory sizes for a kernel thread or a zombie (undefined, not zero)', () => {
    for (const pid of [2, 8972]) {
      const s = parseStatus(fixture(pid));
      expect(s.vmRssBytes).toBeUndefined();
      expect(s.vmSizeBytes).toBeUndefined();
    }
    expect(parseStatus(fixture(2)).kthread).toBe(true);
    expect(parseStatus(fixture(8972)).state).toBe('Z');
  });

  it('keeps the exact name, unescaping what the kernel escapes', () => {
    const s = parseStatus(
      'Name:\ta) b\\\\c\\nd \nState:\tS (sleeping)\nTgid:\t5\nUid:\t1000\t1001\t1001\t1001\n',
    );
    expect(s.name).toBe('a) b\\c\nd ');
    expect(s.uid).toBe(1000);
    expect(s.euid).toBe(1001);
  });

  it('rejects a file without Name or Tgid', () => {
    expect(() => parseStatus('')).toThrow(/malformed status/);
    expect(() => parseStatus('Name:\tx\n')).toThrow(/malformed status/);
  });

  it('reads the real status of this process', () => {
    const s = readStatus(process.pid);
    expect(s.tgid).toBe(process.pid);
    expect(s.vmRssBytes).toBeGreaterThan(1024 * 1024);
  });
});

describe('parseStatusMask', () => {
  it('reads the CapEff and SigCgt lines of a captured status as numbers', () => {
    const text = fixture(8969);
    expect(parseStatusMask(text, 'CapEff')).toBe(0x1fffeffffffn);
    expect(parseStatusMask(text, 'SigCgt')).toBe(0n);
    expect(parseStatusMask('Name:\tx\nTgid:\t5\n', 'CapEff')).toBeUndefined();
  });

  it.skipIf(skipWithout("a process of nobody's CapEff", canSwitchUser))(
    "a process of nobody's has no capability, CAP_NET_ADMIN included",
    () => {
      const status = spawnSync(
        'setpriv',
        ['--reuid=65534', '--regid=65534', '--clear-groups', 'cat', '/proc/self/status'],
        { encoding: 'utf8', timeout: 10_000 },
      ).stdout;
      expect(parseStatusMask(status, 'CapEff')).toBe(0n);
    },
  );
});
