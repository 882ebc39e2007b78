/**
 * What `hog shape watch` does with one pid rule on one look at its process (pure): nothing while the
 * ports are the same, new ports when they changed, remove the rule once the process is gone. A PID
 * that now names a process started after the rule was made (the PID was reused) counts as gone: the
 * rule was made for another process. The rule's creation time is renewed by each update, and the
 * process started before the first one, so the comparison holds across updates.
 */
import { rulePorts, type ShapeRule } from './rules.js';

export interface PidReading {
  comm: string;
  /** ms since the epoch. */
  startedAtMs: number;
  ports: number[];
}

export type WatchStep =
  | { kind: 'keep'; rule: ShapeRule }
  | { kind: 'ports'; rule: ShapeRule; comm: string; from: number[]; to: number[] }
  | { kind: 'gone'; rule: ShapeRule; why: string };

/** The start time is known to a clock tick (10 ms), and was read a moment apart from the rule's time. */
export const START_TOLERANCE_MS = 1000;

export function planPidRule(rule: ShapeRule, reading: PidReading | undefined): WatchStep {
  const pid = rule.match.pid;
  if (reading === undefined) return { kind: 'gone', rule, why: `PID ${pid} has exited` };
  if (reading.startedAtMs > rule.createdAt + START_TOLERANCE_MS) {
    return {
      kind: 'gone',
      rule,
      why: `PID ${pid} is now another process (${reading.comm}, started after the rule was made)`,
    };
  }
  const from = rulePorts(rule.match);
  const same = from.length === reading.ports.length && from.every((p, i) => p === reading.ports[i]);
  return same ? { kind: 'keep', rule } : { kind: 'ports', rule, comm: reading.comm, from, to: reading.ports };
}

/** "80,443" or "none". */
export function portList(ports: readonly number[]): string {
  return ports.length === 0 ? 'none' : ports.join(',');
}

/** The line watch prints for a step that changed something. */
export function describeStep(step: WatchStep): string | undefined {
  if (step.kind === 'keep') return undefined;
  const where = `rule ${step.rule.id} on ${step.rule.dev}`;
  if (step.kind === 'gone') return `${step.why}: removed ${where}`;
  const added = step.to.filter((p) => !step.from.includes(p));
  const dropped = step.from.filter((p) => !step.to.includes(p));
  const parts = [
    ...(added.length > 0 ? [`+${added.join(',+')}`] : []),
    ...(dropped.length > 0 ? [`-${dropped.join(',-')}`] : []),
  ];
  return `PID ${step.rule.match.pid} (${step.comm}) ports ${portList(step.from)} -> ${portList(step.to)} (${parts.join(' ')}): updated ${where}`;
}
