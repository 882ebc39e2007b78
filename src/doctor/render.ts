/**
 * The doctor's terminal report: findings ranked by severity, each with its evidence and the next
 * commands to run. OK findings take one line unless `verbose`.
 */
import { terminalText } from '../render/terminalText.js';
import { wrap } from '../render/wrap.js';
import type { Finding, Severity } from './finding.js';
import { nagiosStatus } from './finding.js';

const LABEL: Record<Severity, string> = {
  critical: 'CRITICAL',
  warning: 'WARNING',
  unknown: 'UNKNOWN',
  info: 'INFO',
  ok: 'OK',
};

export interface RenderOptions {
  width: number;
  verbose: boolean;
  host: string;
  time: Date;
}

export function renderDoctor(findings: readonly Finding[], options: RenderOptions): string[] {
  const status = nagiosStatus(findings);
  const counts = (['critical', 'warning', 'unknown', 'info', 'ok'] as const)
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const lines = [
    `hog doctor: ${status.label} (${counts.join(', ') || 'no findings'}) on ${terminalText(options.host)} at ${options.time.toISOString()}`,
    '',
  ];
  const indent = ' '.repeat(18);
  const width = Math.max(40, options.width - indent.length);
  // findings name processes, cgroups and paths of other users: escaped before wrapping, so widths hold
  const t = terminalText;
  for (const f of findings) {
    const head = `${LABEL[f.severity].padEnd(9)}${f.resource.padEnd(9)}`;
    const title = wrap(t(f.title), width);
    lines.push(`${head}${title[0] ?? ''}`);
    for (const rest of title.slice(1)) lines.push(indent + rest);
    const quiet = (f.severity === 'ok' || f.severity === 'info') && !options.verbose;
    if (quiet && f.severity === 'ok') continue;
    if (!quiet) for (const e of f.evidence) lines.push(`${indent}${t(e.label)}: ${t(e.text)}`);
    if (f.detail && !quiet) for (const line of wrap(t(f.detail), width)) lines.push(indent + line);
    for (const next of f.next) lines.push(`${indent}next: ${t(next)}`);
  }
  return lines;
}
