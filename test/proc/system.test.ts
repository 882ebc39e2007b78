import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryCgroup, parseCgroup } from '../../src/proc/cgroup.js';
import { parseCmdline } from '../../src/proc/cmdline.js';
import { parseLoadAvg } from '../../src/proc/loadavg.js';
import { parseMeminfo, readMeminfo } from '../../src/proc/meminfo.js';
import { parsePasswd } from '../../src/proc/passwd.js';
import { parsePressure, readPressure } from '../../src/proc/pressure.js';
import { parseUptime } from '../../src/proc/uptime.js';
import { FIXTURES } from '../helpers/hog.js';

const machine = (path: string) => readFileSync(`${FIXTURES}machine/proc/${path}`, 'utf8');

describe('system-wide procfs files', () => {
  it('meminfo: kB lines in bytes, unit-less lines as counts', () => {
    const m = parseMeminfo(machine('meminfo'));
    expect(m.memTotalBytes).toBe(24683620 * 1024);
    expect(m.memAvailableBytes).toBe(24287048 * 1024);
    expect(m.fields.get('HugePages_Total')).toBe(0);
    expect(() => parseMeminfo('MemFree: 1 kB\n')).toThrow(/MemTotal/);
  });

  it('meminfo without MemAvailable (kernel < 3.14) leaves it undefined', () => {
    const m = parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nCached: 50 kB\n');
    expect(m.memAvailableBytes).toBeUndefined();
    expect(m.cachedBytes).toBe(50 * 1024);
  });

  it('loadavg and uptime', () => {
    expect(parseLoadAvg('0.51 0.26 0.10 1/78 2797\n')).toEqual({
      load1: 0.51,
      load5: 0.26,
      load15: 0.1,
      runnable: 1,
      tasks: 78,
      lastPid: 2797,
    });
    expect(parseUptime('441.87 812.77\n')).toEqual({ uptimeSeconds: 441.87, idleSeconds: 812.77 });
    expect(() => parseLoadAvg('nonsense')).toThrow(/malformed loadavg/);
    expect(() => parseUptime('')).toThrow(/malformed uptime/);
  });

  it('pressure: some and full lines; cpu without full on old kernels', () => {
    const p = parsePressure(
      'some avg10=1.50 avg60=2.25 avg300=0.10 total=12345\nfull avg10=0.50 avg60=0.75 avg300=0.00 total=678\n',
    );
    expect(p.some).toEqual({ avg10: 1.5, avg60: 2.25, avg300: 0.1, totalMicros: 12345 });
    expect(p.full?.avg60).toBe(0.75);
    expect(parsePressure('some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n').full).toBeUndefined();
    expect(() => parsePressure('')).toThrow(/malformed pressure/);
  });

  it('pressure files that do not exist (no PSI) read as undefined', () => {
    expect(readPressure('memory', `${FIXTURES}no-psi/proc`)).toBeUndefined();
    expect(readPressure('memory', `${FIXTURES}machine/proc`)?.some.avg10).toBe(0);
  });

  it('cmdline: NUL-separated, empty for kernel threads and zombies', () => {
    expect(parseCmdline('node\0-e\0x = 1\0')).toEqual(['node', '-e', 'x = 1']);
    expect(parseCmdline('')).toEqual([]);
    expect(parseCmdline(machine('8972/cmdline'))).toEqual([]);
    expect(parseCmdline('nginx: worker process')).toEqual(['nginx: worker process']);
    expect(parseCmdline('hog ps\0\0\0\0')).toEqual(['hog ps']);
  });

  it('cgroup: v1 controller lines, the v2 line, and which one holds memory', () => {
    const entries = parseCgroup(machine('8980/cgroup'));
    expect(memoryCgroup(entries)?.version).toBe(1);
    const v2 = parseCgroup('0::/system.slice/nginx.service\n');
    expect(v2).toEqual([{ hierarchyId: 0, controllers: [], path: '/system.slice/nginx.service' }]);
    expect(memoryCgroup(v2)).toEqual({ version: 2, path: '/system.slice/nginx.service' });
    expect(memoryCgroup(parseCgroup('garbage\n'))).toBeUndefined();
  });

  it('passwd: uid to name, first entry wins, comments skipped', () => {
    const names = parsePasswd(
      '# c\nroot:x:0:0::/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\nbad line\nnobody:x:65534:65534::/:/bin/false\n',
    );
    expect(names.get(0)).toBe('root');
    expect(names.get(65534)).toBe('nobody');
    expect(names.size).toBe(2);
  });

  it('real /proc/meminfo parses', () => {
    expect(readMeminfo().memTotalBytes).toBeGreaterThan(0);
  });
});
