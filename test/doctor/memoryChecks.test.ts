import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { unitOf } from '../../src/doctor/checks/cgroupLimit.js';
import { memoryAvailable } from '../../src/doctor/checks/memoryAvailable.js';
import { swapPressure } from '../../src/doctor/checks/swapPressure.js';
import { topResident } from '../../src/doctor/checks/topResident.js';
import type { DoctorContext } from '../../src/doctor/context.js';
import { createDoctorContext } from '../../src/doctor/context.js';
import { type Finding, nagiosStatus } from '../../src/doctor/finding.js';
import { rankFindings, runChecks } from '../../src/doctor/run.js';
import { UsageError } from '../../src/errors.js';
import { findOomKills } from '../../src/memory/oomKills.js';
import { parseKmsgRecord } from '../../src/proc/kmsg.js';
import { parseMeminfo } from '../../src/proc/meminfo.js';
import { parsePressure } from '../../src/proc/pressure.js';
import { FIXTURES } from '../helpers/hog.js';

/** A doctor context over the captured machine, with meminfo and PSI replaced. */
function contextWith(meminfo: string, pressure?: string): DoctorContext {
  const base = createDoctorContext(
    { procRoot: `${FIXTURES}machine/proc`, sysRoot: '/sys', etcRoot: `${FIXTURES}machine/etc`, fsRoot: '' },
    manualClock(),
    true,
  );
  return {
    ...base,
    meminfo: () => parseMeminfo(meminfo),
    pressure: () => (pressure ? parsePressure(pressure) : undefined),
  };
}

const meminfo = (totalKb: number, availableKb: number, swapTotalKb = 0, swapFreeKb = 0) =>
  `MemTotal: ${totalKb} kB\nMemFree: ${availableKb} kB\nMemAvailable: ${availableKb} kB\nBuffers: 0 kB\nCached: 0 kB\nSwapTotal: ${swapTotalKb} kB\nSwapFree: ${swapFreeKb} kB\n`;
const psi = (some60: number, full60: number) =>
  `some avg10=${some60} avg60=${some60} avg300=0 total=1\nfull avg10=${full60} avg60=${full60} avg300=0 total=1\n`;

describe('memory.available', () => {
  it('is ok above 10%, warning below, critical below 5%, with the numbers as evidence', () => {
    const at = (percent: number) =>
      memoryAvailable.run(contextWith(meminfo(1_000_000, percent * 10_000))) as Finding[];
    expect(at(50)[0]?.severity).toBe('ok');
    expect(at(8)[0]?.severity).toBe('warning');
    const critical = at(3)[0] as Finding;
    expect(critical.severity).toBe('critical');
    expect(critical.title).toBe('low available memory: 3.0% of RAM (29.3 MiB of 976.6 MiB)');
    expect(critical.evidence.find((e) => e.label === 'MemAvailable')?.value).toBe(30_000 * 1024);
    expect(critical.next).toContain('hog ps --sort mem --top 10');
  });
});

describe('memory.swap-pressure', () => {
  const run = (m: string, p?: string) => (swapPressure.run(contextWith(m, p)) as Finding[])[0] as Finding;

  it('swap used without pressure is harmless (info)', () => {
    expect(run(meminfo(4_000_000, 2_000_000, 1_000_000, 600_000), psi(0, 0)).severity).toBe('info');
  });

  it('swap with tasks stalling is thrashing: warning at 5%, critical at 20% some or 5% full', () => {
    const swapping = meminfo(4_000_000, 200_000, 1_000_000, 100_000);
    expect(run(swapping, psi(6, 0)).severity).toBe('warning');
    expect(run(swapping, psi(25, 1)).severity).toBe('critical');
    expect(run(swapping, psi(10, 6)).title).toMatch(/^thrashing: swap in use/);
  });

  it('without PSI, more than half of swap used is a warning and the detail says PSI is missing', () => {
    const f = run(meminfo(4_000_000, 200_000, 1_000_000, 100_000));
    expect(f.severity).toBe('warning');
    expect(f.detail).toMatch(/No \/proc\/pressure\/memory/);
  });

  it('no swap at all is ok', () => {
    expect(run(meminfo(4_000_000, 2_000_000), psi(0, 0)).title).toMatch(/^no swap configured/);
  });
});

describe('memory.top-resident', () => {
  it('names the largest processes of the captured machine', () => {
    const [f] = topResident.run(contextWith(meminfo(1_000_000, 900_000))) as Finding[];
    expect(f?.severity).toBe('info');
    expect(f?.title).toMatch(/^largest process: PID 8980 \(node\)/);
    expect(f?.subjects?.[0]?.pid).toBe(8980);
  });
});

describe('OOM kills in the kernel log', () => {
  const records = readFileSync(`${FIXTURES}kmsg/records.txt`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => parseKmsgRecord(line))
    .filter((r) => r !== undefined);

  it('parses kmsg records, unescaping \\x bytes', () => {
    expect(records).toHaveLength(7);
    expect(records[0]).toMatchObject({ level: 6, facility: 0, sequence: 1, timestampMicros: 0 });
    expect(records[6]?.message).toBe('a line with an escaped byte \x1b here');
    expect(parseKmsgRecord('no separator')).toBeUndefined();
  });

  it('finds cgroup and machine-wide kills with their sizes and cgroup', () => {
    const kills = findOomKills(records);
    expect(kills).toEqual([
      {
        pid: 2144,
        name: 'python3',
        timestampMicros: 317499132,
        scope: 'cgroup',
        totalVmBytes: 118968 * 1024,
        anonRssBytes: 50784 * 1024,
        fileRssBytes: 6592 * 1024,
        shmemRssBytes: 0,
        uid: 0,
        memcg: '/hogtest',
      },
      expect.objectContaining({ pid: 3100, name: 'java app', scope: 'machine', uid: 1000, memcg: undefined }),
    ]);
  });
});

describe('ranking and exit codes', () => {
  const f = (severity: Finding['severity'], check = 'x'): Finding => ({
    check,
    resource: 'memory',
    severity,
    title: check,
    evidence: [],
    next: [],
  });

  it('ranks most severe first, registry order within a severity', () => {
    const ranked = rankFindings([
      f('ok', 'a'),
      f('warning', 'b'),
      f('critical', 'c'),
      f('warning', 'd'),
      f('unknown', 'e'),
    ]);
    expect(ranked.map((x) => x.check)).toEqual(['c', 'b', 'd', 'e', 'a']);
  });

  it('maps to the Nagios convention', () => {
    expect(nagiosStatus([f('ok'), f('info')])).toEqual({ label: 'OK', code: 0 });
    expect(nagiosStatus([f('ok'), f('warning')])).toEqual({ label: 'WARNING', code: 1 });
    expect(nagiosStatus([f('warning'), f('critical')])).toEqual({ label: 'CRITICAL', code: 2 });
    expect(nagiosStatus([f('unknown'), f('ok')])).toEqual({ label: 'UNKNOWN', code: 3 });
    expect(nagiosStatus([f('unknown'), f('warning')]).code).toBe(1);
  });

  it('turns a failing check into an unknown finding and runs the others', async () => {
    const report = await runChecks(
      [
        {
          id: 'memory.broken',
          resource: 'memory',
          description: '',
          run: () => {
            throw new UsageError('cannot read x', { hint: 'install y' });
          },
        },
        { id: 'memory.fine', resource: 'memory', description: '', run: () => [f('ok', 'memory.fine')] },
      ],
      contextWith(meminfo(1, 1)),
    );
    expect(report.findings.map((x) => [x.check, x.severity])).toEqual([
      ['memory.broken', 'unknown'],
      ['memory.fine', 'ok'],
    ]);
    expect(report.findings[0]?.detail).toBe('install y');
    expect(report.checks.map((c) => c.status)).toEqual(['failed', 'ran']);
  });
});

describe('unitOf', () => {
  it('finds the systemd unit of a cgroup path', () => {
    expect(unitOf('/system.slice/nginx.service')).toBe('nginx.service');
    expect(unitOf('/user.slice/user-1000.slice/session-2.scope')).toBe('session-2.scope');
    expect(unitOf('/docker/abc')).toBeUndefined();
  });
});
