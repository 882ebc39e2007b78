/**
 * deploy/prometheus/alerts.yml, checked by Prometheus' own promtool (Debian's prometheus package):
 * the rules load, and their unit tests (alerts.test.yml) pass. Each unit test feeds series that must
 * fire an alert beside series that must not, and promtool compares the list of firing alerts exactly,
 * so both directions are checked; two mutations prove the tests can fail: rules that never fire and
 * rules that fire one alert too many are each caught, for every alert.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const DEPLOY = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url));
const RULES = readFileSync(join(DEPLOY, 'alerts.yml'), 'utf8');
const ALERTS = [...RULES.matchAll(/^\s*- alert: (\w+)$/gm)].map((m) => m[1] as string);

/** undefined when promtool runs, else why not (the skip's reason). */
function promtoolMissing(): string | undefined {
  const r = spawnSync('promtool', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return `promtool: ${r.error.message} (Debian package prometheus, scripts/system-deps.txt)`;
  return r.status === 0 ? undefined : `promtool --version exited ${r.status}: ${r.stderr}`;
}
const missing = promtoolMissing();
if (missing) console.warn(`skipping the promtool tests: ${missing}`);

function promtool(args: string[], cwd = DEPLOY): { code: number | null; out: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The alert names promtool reports a failed expectation for. */
const failedAlerts = (out: string) => new Set([...out.matchAll(/alertname: (\w+), time:/g)].map((m) => m[1]));

/**
 * alerts.yml with every alert's expression rewritten by `rewrite` (given the expression's lines), for
 * the mutation tests. An expression is either a block (`expr: |` and indented lines) or one line.
 */
function mutateRules(rewrite: (expression: string) => string): string {
  return RULES.replace(
    /^(\s*)expr: (?:\|\n((?:\1 {2}.*\n)+)|(.*)\n)/gm,
    (_all, indent: string, block: string | undefined, line: string | undefined) => {
      const expression = (block ?? line ?? '').trim();
      const body = rewrite(expression)
        .split('\n')
        .map((l) => `${indent}  ${l.trim()}`)
        .join('\n');
      return `${indent}expr: |\n${body}\n`;
    },
  );
}

describe.skipIf(missing !== undefined)('the alert rules (promtool)', () => {
  const dir = mkdtempSync(join(tmpdir(), `hog-alerts-${process.pid}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('load: promtool check rules finds every alert', () => {
    expect(ALERTS).toEqual([
      'HogProcessMemoryLeak',
      'HogProcessLeakExhaustsMemory',
      'HogFilesystemFillingUp',
      'HogFilesystemFillingUpFast',
      'HogFilesystemFillForecast',
      'HogFilesystemOutOfInodes',
      'HogNetworkReceiveSaturated',
      'HogNetworkTransmitSaturated',
      'HogRecorderPaused',
      'HogRecorderStalled',
      'HogServeDown',
    ]);
    const r = promtool(['check', 'rules', 'alerts.yml']);
    expect(r.out).toContain(`SUCCESS: ${ALERTS.length} rules found`);
    expect(r.code).toBe(0);
  });

  it('pass their unit tests, which expect every alert to fire at least once', () => {
    const r = promtool(['test', 'rules', 'alerts.test.yml']);
    expect(r.out).toContain('SUCCESS');
    expect(r.code).toBe(0);
    const tests = readFileSync(join(DEPLOY, 'alerts.test.yml'), 'utf8');
    // a block that names the alert and expects labels: a firing case, not only `exp_alerts: []`
    const firing = new Set(
      [...tests.matchAll(/alertname: (\w+)\n\s+exp_alerts:\n\s+- exp_labels:/g)].map((m) => m[1]),
    );
    expect([...firing].sort()).toEqual([...ALERTS].sort());
  });

  it('load with the example prometheus.yml: promtool check config finds the job and the rules', () => {
    const config = readFileSync(join(DEPLOY, 'prometheus.yml'), 'utf8');
    expect(config).toContain('job_name: hog');
    // the token file must exist for promtool: the example's path, moved into the temp dir
    writeFileSync(join(dir, 'hog.token'), 'token\n', { mode: 0o600 });
    writeFileSync(
      join(dir, 'prometheus.yml'),
      config.replace('/etc/prometheus/hog.token', join(dir, 'hog.token')),
    );
    copyFileSync(join(DEPLOY, 'alerts.yml'), join(dir, 'alerts.yml'));
    const r = promtool(['check', 'config', 'prometheus.yml'], dir);
    expect(r.out).toContain(`SUCCESS: ${ALERTS.length} rules found`);
    expect(r.code).toBe(0);
  });

  it('fail when no rule fires: each alert is missed where it was expected', () => {
    writeFileSync(
      join(dir, 'alerts.yml'),
      mutateRules(() => 'vector(1) > 2'),
    );
    copyFileSync(join(DEPLOY, 'alerts.test.yml'), join(dir, 'alerts.test.yml'));
    const r = promtool(['test', 'rules', 'alerts.test.yml'], dir);
    expect(r.code).toBe(1);
    expect([...failedAlerts(r.out)].sort()).toEqual([...ALERTS].sort());
  });

  it('fail when a rule fires on a series it should stay silent on: each extra alert is caught', () => {
    // `or vector(1)` adds one alert without labels to whatever the rule found
    writeFileSync(
      join(dir, 'alerts.yml'),
      mutateRules((e) => `(\n${e}\n) or vector(1)`),
    );
    copyFileSync(join(DEPLOY, 'alerts.test.yml'), join(dir, 'alerts.test.yml'));
    expect(promtool(['check', 'rules', 'alerts.yml'], dir).code).toBe(0);
    const r = promtool(['test', 'rules', 'alerts.test.yml'], dir);
    expect(r.code).toBe(1);
    expect([...failedAlerts(r.out)].sort()).toEqual([...ALERTS].sort());
  });
});
