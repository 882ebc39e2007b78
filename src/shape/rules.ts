/**
 * A shaping rule: which packets (a port set, a host or network, or a process's ports) on which
 * device and direction, and what they get (a priority class, or a rate with a ceiling). Pure values
 * and checks; nothing here touches the kernel.
 *
 * Rule ids are derived from what a rule matches (`port-5201`, `in-host-10.1.2.0/24`, `pid-1234`), so
 * adding the same rule twice is the same rule (re-applying changes nothing), and a rule's id says
 * what it is in `hog shape list`. A pid rule keeps its id while its ports change.
 */
import { quote, UsageError } from '../errors.js';

export type ShapeDirection = 'egress' | 'ingress';
export type ShapePrio = 'high' | 'normal' | 'low';
export const PRIOS: readonly ShapePrio[] = ['high', 'normal', 'low'];

export interface ShapeMatch {
  /** One port, local or remote (either end of a connection). */
  port?: number;
  /**
   * Several ports, sorted, for a rule that carries more than one (`--port 80,443`, or a process's
   * ports): then `port` is not set. Use rulePorts() to read either form.
   */
  ports?: number[];
  /** An IPv4 or IPv6 address or network, `ADDR` or `ADDR/PREFIX`: the remote end. */
  host?: string;
  /** The process whose ports the rule carries (in `ports`/`port`); the ports are the filters. */
  pid?: number;
}

export interface ShapeRule {
  id: string;
  dev: string;
  direction: ShapeDirection;
  match: ShapeMatch;
  /** A priority class shared by every rule of that priority... */
  prio?: ShapePrio;
  /** ...or a class of the rule's own with this guaranteed rate (bits/s)... */
  rateBitsPerSecond?: number;
  /** ...and this ceiling (bits/s; the rate when not given: a cap). */
  ceilBitsPerSecond?: number;
  /** When the rule was installed (ms since the epoch): a timed revert removes only this very rule. */
  createdAt: number;
  /** When a timed revert (--for) will remove it, if any. */
  expiresAt?: number;
  /** The HTB class its packets go to, as tc writes it ("686f:10"). */
  classId: string;
  /**
   * Its place among the device's rules (1..1000), fixed for its life: its filters' preference comes
   * from it (handles.ts), so earlier rules match first and a rule's filters never move.
   */
  slot: number;
}

/** Every port a rule matches, from either form of ShapeMatch. */
export function rulePorts(match: ShapeMatch): number[] {
  if (match.ports !== undefined) return match.ports;
  return match.port === undefined ? [] : [match.port];
}

/** The id a rule with this match and direction gets. */
export function ruleId(direction: ShapeDirection, match: ShapeMatch): string {
  const prefix = direction === 'ingress' ? 'in-' : '';
  if (match.pid !== undefined) return `${prefix}pid-${match.pid}`;
  const ports = rulePorts(match);
  if (ports.length > 0) return `${prefix}port-${ports.join('+')}`;
  if (match.host !== undefined) return `${prefix}host-${match.host}`;
  throw new UsageError('a rule needs --port, --host or --pid');
}

/** "80,443" -> [80, 443]: sorted, without repeats; each a port from 1 to 65535. */
export function parsePorts(text: string): number[] {
  const ports = new Set<number>();
  for (const part of text.split(/[\s,]+/).filter((p) => p !== '')) {
    const n = Number(part);
    if (!/^\d+$/.test(part) || n < 1 || n > 65535) {
      throw new UsageError(`not a port: ${quote(part)}`, {
        hint: 'a port is a whole number from 1 to 65535',
      });
    }
    ports.add(n);
  }
  if (ports.size === 0) throw new UsageError(`no port in ${quote(text)}`);
  return [...ports].sort((a, b) => a - b);
}

/** The match in its canonical form: one port as `port`, several as sorted `ports`. */
export function normalMatch(match: ShapeMatch): ShapeMatch {
  const out: ShapeMatch = {};
  const ports = [...new Set(rulePorts(match))].sort((a, b) => a - b);
  if (ports.length === 1) out.port = ports[0];
  else if (ports.length > 1) out.ports = ports;
  if (match.host !== undefined) out.host = match.host;
  if (match.pid !== undefined) out.pid = match.pid;
  return out;
}

/** Two rules act the same: same match, direction and treatment (what re-applying compares). */
export function sameTreatment(a: ShapeRule, b: ShapeRule): boolean {
  return (
    a.direction === b.direction &&
    JSON.stringify(normalMatch(a.match)) === JSON.stringify(normalMatch(b.match)) &&
    a.prio === b.prio &&
    a.rateBitsPerSecond === b.rateBitsPerSecond &&
    a.ceilBitsPerSecond === b.ceilBitsPerSecond
  );
}
