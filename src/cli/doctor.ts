/**
 * `hog doctor`: run every check and print ranked findings. Exit codes follow the Nagios plugin
 * convention (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN), so it plugs into cron, CI and monitoring.
 */
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { createDoctorContext } from '../doctor/context.js';
import { nagiosStatus } from '../doctor/finding.js';
import { CHECKS } from '../doctor/registry.js';
import { renderDoctor } from '../doctor/render.js';
import { type DoctorReport, runChecks } from '../doctor/run.js';
import { quote, UsageError } from '../errors.js';
import { type CliContext, rootsOf } from './context.js';

interface DoctorOptions {
  json?: boolean;
  only?: string;
  list?: boolean;
  fsRoot?: string;
}

export const DOCTOR_SCHEMA_VERSION = 1;

export function register(program: Command, context: CliContext): void {
  program
    .command('doctor')
    .description(
      'check memory, disk and network; print findings ranked by severity with evidence and next steps',
    )
    .option('--json', 'print the report as JSON (schema: docs/doctor.schema.json)')
    .option(
      '--only <checks>',
      'run only these checks or resources (comma-separated, e.g. memory or memory.oom-kills)',
    )
    .option('--list', 'list the checks and exit')
    .addHelpText(
      'after',
      `
Exit codes (Nagios plugin convention): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for bad
usage, such as an unknown check in --only, and for a failure of hog itself).

Examples:
  hog doctor                       all checks, most severe first
  hog doctor --only memory         memory checks only
  hog doctor --json | jq .status   for scripts and monitoring`,
    )
    .action((opts: DoctorOptions, command: Command) => doctor(opts, command, context));
}

/** Run the checks; hog's exit code is the Nagios status of what they found. */
async function doctor(opts: DoctorOptions, command: Command, context: CliContext): Promise<void> {
  const { output } = context;
  if (opts.list) {
    for (const c of CHECKS) output.line(`${c.id.padEnd(28)} ${c.description}`);
    return;
  }
  const checks = selectChecks(opts.only);
  const roots = rootsOf(command);
  const fsRoot = command.optsWithGlobals<{ fsRoot?: string }>().fsRoot ?? '';
  const doctorContext = createDoctorContext({ ...roots, fsRoot }, context.clock);
  const started = context.clock.now();
  const report = await runChecks(checks, doctorContext);
  const status = nagiosStatus(report.findings);
  context.exitCode = status.code;
  if (opts.json) {
    output.line(JSON.stringify(doctorJson(report, status, started), null, 2));
    return;
  }
  output.lines(
    renderDoctor(report.findings, {
      width: output.columns ?? 100,
      verbose: command.optsWithGlobals<{ verbose?: boolean }>().verbose === true,
      host: hostname(),
      time: new Date(started),
    }),
  );
}

/** --json, as docs/doctor.schema.json describes it: the status, a count per severity, the findings, each check's time. */
function doctorJson(report: DoctorReport, status: ReturnType<typeof nagiosStatus>, started: number): object {
  const summary = Object.fromEntries(
    (['critical', 'warning', 'unknown', 'info', 'ok'] as const).map((s) => [
      s,
      report.findings.filter((f) => f.severity === s).length,
    ]),
  );
  return {
    schemaVersion: DOCTOR_SCHEMA_VERSION,
    host: hostname(),
    time: new Date(started).toISOString(),
    status: status.label,
    exitCode: status.code,
    summary,
    findings: report.findings,
    checks: report.checks.map((c) => ({ ...c, durationMs: Math.round(c.durationMs * 10) / 10 })),
  };
}

function selectChecks(only: string | undefined) {
  if (only === undefined) return CHECKS;
  const wanted = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const w of wanted) {
    if (!CHECKS.some((c) => c.id === w || c.resource === w)) {
      throw new UsageError(`no check or resource named ${quote(w)}`, {
        hint: `valid: ${[...new Set(CHECKS.map((c) => c.resource))].join(', ')}, or a check id: ${CHECKS.map((c) => c.id).join(', ')}`,
      });
    }
  }
  return CHECKS.filter((c) => wanted.includes(c.id) || wanted.includes(c.resource));
}
