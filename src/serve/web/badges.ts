/**
 * Which badge a verdict or a finding gets: its words and its tone. The tones are the four CSS classes
 * of style.css (badge-crit, badge-warn, badge-ok, badge-muted); the words are short enough for a
 * table cell, the verdict's own sentence goes into the badge's title.
 */
import type { Severity, WireVerdict } from './wire.js';

export type Tone = 'crit' | 'warn' | 'ok' | 'info' | 'muted';

export interface Badge {
  label: string;
  tone: Tone;
  title: string;
}

/** A process's leak verdict as a badge: leak is red, growing amber, steady green, too short grey. */
export function verdictBadge(verdict: WireVerdict): Badge {
  switch (verdict.kind) {
    case 'leak':
      return { label: 'leak', tone: 'crit', title: verdict.text };
    case 'growing':
      return { label: 'growing', tone: 'warn', title: verdict.text };
    case 'steady':
      return { label: 'steady', tone: 'ok', title: verdict.text };
    case 'insufficient':
      return { label: 'collecting', tone: 'muted', title: verdict.text };
    default:
      // a kind a newer server added: show its name, without a colour that would claim to judge it
      return { label: String((verdict as { kind: unknown }).kind), tone: 'muted', title: verdict.text };
  }
}

const SEVERITY_RANK: Record<Severity, number> = { crit: 0, warn: 1, info: 2, ok: 3 };

/** A doctor finding's severity as a badge. */
export function severityBadge(severity: Severity): Badge {
  const tone: Tone = severity in SEVERITY_RANK ? severity : 'muted';
  return { label: severity, tone, title: `severity ${severity}` };
}

/** Worst first (crit, warn, info, ok), then by title; the input is left as it was. */
export function bySeverity<T extends { severity: Severity; title: string }>(findings: readonly T[]): T[] {
  const rank = (s: Severity) => SEVERITY_RANK[s] ?? 4;
  return [...findings].sort((a, b) => rank(a.severity) - rank(b.severity) || a.title.localeCompare(b.title));
}

/** How many findings of each severity, for the overview: { crit: 1, warn: 2, info: 0, ok: 5 }. */
export function countBySeverity(findings: readonly { severity: Severity }[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { crit: 0, warn: 0, info: 0, ok: 0 };
  for (const f of findings) if (f.severity in counts) counts[f.severity]++;
  return counts;
}
