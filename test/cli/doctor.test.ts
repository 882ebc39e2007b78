/**
 * hog doctor end to end on this machine: the JSON report against its schema, Nagios exit codes, and
 * real memory trouble made by the test — a process near its cgroup limit, and an OOM kill.
 */
import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { canReadKernelLog, canUseMemoryCgroup, skipWithout } from '../helpers/capabilities.js';
import { TestCgroup } from '../helpers/cgroup.js';
import { json, runHog } from '../helpers/hog.js';
import { spawnAllocator, spawnNode, waitFor } from '../helpers/processes.js';

interface Report {
  status: string;
  exitCode: number;
  findings: {
    check: string;
    severity: string;
    title: string;
    subjects?: { pid?: number; cgroup?: string }[];
    evidence?: { label: string; text: string }[];
  }[];
  checks: { id: string; status: string }[];
}

const schema = JSON.parse(readFileSync(new URL('../../docs/doctor.schema.json', import.meta.url), 'utf8'));
// ajv and ajv-formats are CommonJS with a default export: take it under NodeNext resolution
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

function expectValid(report: unknown): void {
  const ok = validate(report);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

describe('hog doctor', () => {
  it('prints a JSON report that matches docs/doctor.schema.json, and exits with its status', async () => {
    const result = await runHog(['doctor', '--json']);
    const report = json<Report>(result);
    expectValid(report);
    expect(result.code).toBe(report.exitCode);
    expect(report.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'memory.available',
        'memory.swap-pressure',
        'memory.cgroup-limit',
        'memory.oom-kills',
        'memory.top-resident',
      ]),
    );
    expect(report.checks.every((c) => c.status === 'ran')).toBe(true);
  });

  it('prints ranked findings with evidence and next commands for people', async () => {
    const result = await runHog(['doctor', '--only', 'memory.available,memory.top-resident']);
    expect(result.stdout).toMatch(/^hog doctor: (OK|WARNING|CRITICAL)/);
    expect(result.stdout).toMatch(/memory available: [\d.]+% of RAM/);
    expect(result.stdout).toMatch(/next: hog ps --pid [\d,]+ --pss --uss/);
  });

  it('rejects an unknown check name, listing the valid ones, with UNKNOWN (3)', async () => {
    const result = await runHog(['doctor', '--only', 'memory.nope']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/hog: no check or resource named "memory.nope"/);
    expect(result.stderr).toMatch(/hint: valid: memory/);
  });

  it('lists its checks', async () => {
    const result = await runHog(['doctor', '--list']);
    expect(result.stdout).toMatch(/^memory\.available\s+MemAvailable/m);
  });
});

const noCgroup = skipWithout('cgroup memory trouble', canUseMemoryCgroup);
const noKernelLog = skipWithout('an OOM kill in hog doctor', canReadKernelLog);

describe.skipIf(noCgroup)('hog doctor on real cgroup memory trouble', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('flags a process whose cgroup is at 95%+ of its limit as CRITICAL, naming PID and cgroup', async () => {
    const group = new TestCgroup(`hog-test-limit-${process.pid}`, 256 * 1024 * 1024);
    cleanup.push(() => group.remove());
    const child = await spawnAllocator(236, { cgroupDir: group.dir });
    cleanup.push(() => child.stop());

    const result = await runHog(['doctor', '--json', '--only', 'memory.cgroup-limit']);
    const report = json<Report>(result);
    expectValid(report);
    const finding = report.findings.find((f) => f.subjects?.some((s) => s.pid === child.pid));
    expect(finding, JSON.stringify(report.findings, null, 2)).toBeDefined();
    expect(finding?.severity).toBe('critical');
    expect(finding?.title).toMatch(
      new RegExp(`^cgroup ${group.path} at 9\\d\\.\\d% of its memory limit \\(256\\.0 MiB\\)`),
    );
    expect(result.code).toBe(2);
    expect(report.status).toBe('CRITICAL');
  });

  it('reports an OOM kill that just happened as CRITICAL, with the killed PID', async (context) => {
    if (noKernelLog) return context.skip();
    const group = new TestCgroup(`hog-test-oom-${process.pid}`, 64 * 1024 * 1024);
    cleanup.push(() => group.remove());
    const proc = spawnNode('const a = []; for (;;) a.push(Buffer.alloc(8 * 1024 * 1024, 1));', {
      cgroupDir: group.dir,
    });
    const victim = proc.pid as number;
    const signal = await new Promise<string | null>((resolve) =>
      proc.once('exit', (_code, sig) => resolve(sig)),
    );
    expect(signal).toBe('SIGKILL');

    const report = await waitFor(async () => {
      const r = json<Report>(await runHog(['doctor', '--json', '--only', 'memory.oom-kills']));
      return r.findings.some((f) => f.subjects?.some((s) => s.pid === victim)) ? r : undefined;
    }, 'the OOM kill to show in hog doctor');
    expectValid(report);
    const finding = report.findings.find((f) => f.check === 'memory.oom-kills');
    expect(finding?.severity).toBe('critical');
    expect(finding?.title).toMatch(
      new RegExp(
        `^OOM killer killed PID ${victim} \\(node\\) \\d+s ago: cgroup ${group.path} hit its memory limit \\(hog's test suite\\)`,
      ),
    );
    const said = finding?.evidence?.find((e) => e.label === `PID ${victim} (node)`)?.text;
    expect(said).toMatch(new RegExp(`^killed \\d+s ago \\(cgroup ${group.path}, hog's test suite\\)$`));
  });
});
