/**
 * What a doctor check reports. One shape for every resource, so findings rank together and print the
 * same way in the terminal and in --json (see docs/doctor.schema.json).
 */
export type Resource = 'memory' | 'disk' | 'network';

/** Severity, most urgent first. `unknown`: the check could not decide (it failed, or could not see). */
export const SEVERITIES = ['critical', 'warning', 'unknown', 'info', 'ok'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type EvidenceUnit = 'bytes' | 'percent' | 'seconds' | 'count' | 'bytes_per_second' | 'text';

/** One number behind a finding: machine-readable value and unit, plus how it reads to a person. */
export interface Evidence {
  label: string;
  value: number | string;
  unit: EvidenceUnit;
  text: string;
}

export interface Finding {
  /** The check that produced it, e.g. "memory.available". */
  check: string;
  resource: Resource;
  severity: Severity;
  /** What is wrong (or right), in one line. */
  title: string;
  evidence: Evidence[];
  /** Commands to run next, most useful first. */
  next: string[];
  /** Optional: why it matters or what to do, in a sentence or two. */
  detail?: string;
  /** The process(es) or object(s) the finding is about, for tools reading --json. */
  subjects?: { pid?: number; name?: string; path?: string; cgroup?: string }[];
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * Nagios plugin exit code for a set of findings: the worst state wins, CRITICAL (2) over WARNING (1)
 * over UNKNOWN (3) over OK (0) — the order monitoring tools use to combine several checks.
 */
export function nagiosStatus(findings: readonly Finding[]): {
  label: 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';
  code: 0 | 1 | 2 | 3;
} {
  const has = (s: Severity) => findings.some((f) => f.severity === s);
  if (has('critical')) return { label: 'CRITICAL', code: 2 };
  if (has('warning')) return { label: 'WARNING', code: 1 };
  if (has('unknown')) return { label: 'UNKNOWN', code: 3 };
  return { label: 'OK', code: 0 };
}
