/**
 * The disk checks on filesystems the test makes (tmpfs mounts, as root): a nearly full one, one out of
 * inodes, one where logs take a third, one holding a deleted 1 GiB file. For the first three, a
 * mount table written by the test lists only that filesystem, so the findings do not depend on the
 * machine; the deleted-file check reads the real /proc.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { diskDeletedOpen } from '../../src/doctor/checks/diskDeletedOpen.js';
import { diskInodes } from '../../src/doctor/checks/diskInodes.js';
import { diskLogs } from '../../src/doctor/checks/diskLogs.js';
import { diskUsage } from '../../src/doctor/checks/diskUsage.js';
import { createDoctorContext, type DoctorContext } from '../../src/doctor/context.js';
import type { Finding } from '../../src/doctor/finding.js';
import { canMount, skipWithout } from '../helpers/capabilities.js';
import { removeTree, tempDir } from '../helpers/disk.js';

const MiB = 1024 * 1024;
const NOW = 1_800_000_000_000;

/** major:minor of a device number (glibc's major()/minor()). */
function majorMinor(dev: number): string {
  const d = BigInt(dev);
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/** A root directory with tmpfs mounts at the given paths inside it, and a procfs tree whose mountinfo lists only them. */
class FakeMachine {
  readonly root = tempDir('doctor');
  readonly proc = join(this.root, 'proc');
  private mounted: string[] = [];

  mount(path: string, options: string): string {
    const dir = join(this.root, 'fs', path);
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, `hog-test-5-${process.pid}`, dir]);
    this.mounted.push(dir);
    const lines = this.mounted.map(
      (d, k) =>
        `${100 + k} 1 ${majorMinor(statSync(d).dev)} / ${d.slice(join(this.root, 'fs').length)} rw,relatime - tmpfs tmpfs rw`,
    );
    mkdirSync(join(this.proc, 'self'), { recursive: true });
    writeFileSync(join(this.proc, 'self', 'mountinfo'), `${lines.join('\n')}\n`);
    return dir;
  }

  context(history?: DoctorContext['diskHistory']): DoctorContext {
    const context = createDoctorContext(
      { procRoot: this.proc, sysRoot: '/sys', etcRoot: '/etc', fsRoot: join(this.root, 'fs') },
      manualClock(NOW),
      true,
    );
    return history ? { ...context, diskHistory: history } : context;
  }

  cleanup(): void {
    for (const d of this.mounted) execFileSync('umount', ['-l', d]);
    removeTree(this.root);
  }
}

const run = async (
  check: { run: (c: DoctorContext) => Promise<Finding[]> | Finding[] },
  context: DoctorContext,
) => check.run(context);

const cannotMount = skipWithout('the disk checks on tmpfs mounts', canMount);

describe.skipIf(cannotMount)('disk.usage', () => {
  let machine: FakeMachine;
  beforeAll(() => {
    machine = new FakeMachine();
    const full = machine.mount('/data', 'size=10m');
    writeFileSync(join(full, 'fill'), Buffer.alloc(9.7 * MiB, 1));
    machine.mount('/spare', 'size=10m');
  });
  afterAll(() => machine.cleanup());

  it('a filesystem over 95% is critical, with the numbers and no history to tell the fill rate', async () => {
    const findings = await run(diskUsage, machine.context());
    expect(findings).toHaveLength(1);
    const f = findings[0] as Finding;
    expect(f.severity).toBe('critical');
    expect(f.title).toMatch(/^\/data is (9[5-9]|100)% full: [\d.]+ KiB left of 10\.0 MiB$/);
    expect(f.subjects).toEqual([{ path: '/data' }]);
    expect(f.evidence.find((e) => e.label === 'fill rate')?.value).toBe(
      'unknown: no recorded history (hog serve is not recording on this machine)',
    );
    expect(f.next).toContain('hog disk -x /data');
    expect(f.next).toContain('hog disk deleted');
  });

  it('with recorded history, a filesystem filling fast is critical before it is 90% full', async () => {
    const history = (mountPoint: string) =>
      mountPoint === '/spare'
        ? Array.from({ length: 13 }, (_, k) => ({
            timeMs: NOW - (12 - k) * 300_000,
            usedBytes: k * 300 * 2000,
          }))
        : [];
    const findings = await run(diskUsage, machine.context(history));
    const spare = findings.find((f) => f.subjects?.[0]?.path === '/spare') as Finding;
    expect(spare.severity).toBe('critical'); // 10 MiB at 2000 B/s: full in ~1.5 h
    expect(spare.title).toMatch(/^\/spare is filling: full in about 1h \d+m \(0% used\)$/);
    expect(spare.evidence.find((e) => e.label === 'filling at')?.unit).toBe('bytes_per_second');
  });
});

describe.skipIf(cannotMount)('disk.inodes', () => {
  let machine: FakeMachine;
  beforeAll(() => {
    machine = new FakeMachine();
    const dir = machine.mount('/spool', 'size=10m,nr_inodes=100');
    for (let i = 0; i < 97; i++) writeFileSync(join(dir, `msg${i}`), 'x');
  });
  afterAll(() => machine.cleanup());

  it('out of inodes with space left is critical', async () => {
    const f = (await run(diskInodes, machine.context()))[0] as Finding;
    expect(f.severity).toBe('critical');
    expect(f.title).toMatch(/^\/spool has used (9[5-9]|100)% of its inodes: [0-2] new files left$/);
    expect(f.evidence.find((e) => e.label === 'inodes total')?.value).toBe(100);
    expect(f.next[0]).toBe('hog disk -x /spool --depth 3');
  });
});

describe.skipIf(cannotMount)('disk.logs', () => {
  let machine: FakeMachine;
  beforeAll(() => {
    machine = new FakeMachine();
    const log = machine.mount('/var/log', 'size=10m');
    mkdirSync(join(log, 'app'));
    writeFileSync(join(log, 'app', 'server.log'), Buffer.alloc(3 * MiB, 1));
    writeFileSync(join(log, 'syslog.1'), Buffer.alloc(MiB / 2, 1));
  });
  afterAll(() => machine.cleanup());

  it('logs over 20% of their filesystem: a warning naming the biggest', async () => {
    const findings = await run(diskLogs, machine.context());
    const f = findings[0] as Finding;
    expect(f.severity).toBe('warning');
    expect(f.title).toMatch(/^logs take 3[45]\.\d% of \/var\/log \(3\.5 MiB of 10\.0 MiB\)$/);
    expect(f.subjects?.[0]).toEqual({ path: '/var/log/app/server.log' });
    expect(f.next).toContain('hog disk clean /var/log');
  });
});

describe.skipIf(cannotMount)('disk.deleted-open', () => {
  let dir: string;
  let child: ChildProcess;
  beforeAll(async () => {
    dir = tempDir('deleted-doctor');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2200m', `hog-test-5-${process.pid}`, dir]);
    const file = join(dir, 'huge.log');
    child = spawn(
      'sh',
      ['-c', 'exec 3>"$1"; fallocate -l 1G "$1"; rm "$1"; echo ready; exec sleep 600', 'sh', file],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    execFileSync('umount', ['-l', dir]);
    removeTree(dir);
  });

  it('1 GiB held by a deleted file is a warning with the process and the reclaim command', async () => {
    const context = createDoctorContext(
      { procRoot: '/proc', sysRoot: '/sys', etcRoot: '/etc', fsRoot: '' },
      manualClock(NOW),
      true,
    );
    const findings = await run(diskDeletedOpen, context);
    const f = findings.find((x) => x.title.includes(` on ${dir} `)) as Finding;
    expect(f.severity).toBe('warning');
    expect(f.title).toBe(
      `1.0 GiB on ${dir} is held by 1 deleted file still open, most by PID ${child.pid} (sleep)`,
    );
    expect(f.next).toEqual(['hog disk deleted', `hog disk deleted --reclaim ${child.pid}:3`]);
    expect(f.subjects).toEqual([{ pid: child.pid, name: 'sleep', path: join(dir, 'huge.log') }]);
  });
});
