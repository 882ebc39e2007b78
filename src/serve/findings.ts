/**
 * The doctor's findings as `hog serve` keeps them: only the fast checks (no network window, no
 * directory scans, no walk of every open file), at the recorder's slow cadence, in the API's shape.
 */
import type { FindingRow, FindingSeverity } from '../store/serveTick.js';

/** Checks that read a few /proc files and statfs: cheap enough to run every minute. */
export const SERVE_CHECKS: readonly string[] = [
  'memory.available',
  'memory.swap-pressure',
  'memory.cgroup-limit',
  'memory.oom-kills',
  'memory.top-resident',
  'disk.usage',
  'disk.inodes',
];

/** The doctor's Finding, structurally: serve does not import its peer doctor/ (the CLI wires them). */
export interface DoctorFindingLike {
  check: string;
  severity: 'critical' | 'warning' | 'unknown' | 'info' | 'ok';
  title: string;
  detail?: string;
  next: string[];
  evidence: { text: string; label: string }[];
}

const SEVERITY: Record<DoctorFindingLike['severity'], FindingSeverity> = {
  critical: 'crit',
  warning: 'warn',
  unknown: 'info',
  info: 'info',
  ok: 'ok',
};

export function findingRows(findings: readonly DoctorFindingLike[]): FindingRow[] {
  return findings.map((f) => ({
    id: f.check,
    severity: SEVERITY[f.severity],
    title: f.title,
    detail: f.detail ?? f.evidence.map((e) => `${e.label}: ${e.text}`).join('; '),
    fix: f.next[0] ?? null,
  }));
}
