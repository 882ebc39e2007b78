/**
 * Run the registered checks and rank what they find. A check that throws does not stop the others:
 * it becomes an `unknown` finding that says what failed and how to fix it.
 *
 * Checks that wait (the network window) start their wait first, through prepare(); then every check
 * runs in registry order, one after the other, as before: the memory and disk checks fill the
 * network's 2 s instead of preceding it, and the findings are the same as in a plain sequential run.
 */
import { HogError } from '../errors.js';
import type { Check } from './check.js';
import type { DoctorContext } from './context.js';
import { type Finding, severityRank } from './finding.js';

export interface CheckRun {
  id: string;
  resource: Finding['resource'];
  durationMs: number;
  status: 'ran' | 'failed';
  error?: string;
}

export interface DoctorReport {
  findings: Finding[];
  checks: CheckRun[];
}

export async function runChecks(checks: readonly Check[], context: DoctorContext): Promise<DoctorReport> {
  const findings: Finding[] = [];
  const runs: CheckRun[] = [];
  await Promise.all(checks.map((check) => prepareQuietly(check, context)));
  for (const check of checks) {
    const start = context.clock.monotonic();
    try {
      for (const finding of await check.run(context)) findings.push(finding);
      runs.push({
        id: check.id,
        resource: check.resource,
        durationMs: context.clock.monotonic() - start,
        status: 'ran',
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const hint = error instanceof HogError ? error.hint : undefined;
      runs.push({
        id: check.id,
        resource: check.resource,
        durationMs: context.clock.monotonic() - start,
        status: 'failed',
        error: message,
      });
      findings.push({
        check: check.id,
        resource: check.resource,
        severity: 'unknown',
        title: `check ${check.id} failed: ${message}`,
        evidence: [],
        next: hint ? [] : [`hog doctor --only ${check.id} --verbose`],
        ...(hint ? { detail: hint } : {}),
      });
    }
  }
  return { findings: rankFindings(findings), checks: runs };
}

/** A failing prepare() is not reported here: the check's run() meets the same failure and reports it. */
async function prepareQuietly(check: Check, context: DoctorContext): Promise<void> {
  try {
    await check.prepare?.(context);
  } catch {
    // reported by run()
  }
}

/** Most severe first; the order of the registry (and of each check's own list) within a severity. */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => severityRank(a.finding.severity) - severityRank(b.finding.severity) || a.index - b.index)
    .map((x) => x.finding);
}
