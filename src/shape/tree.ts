/**
 * The tree hog wants on a device, from its rules: pure, no I/O. One HTB qdisc 686f: with
 *   686f:1    the root class at the link rate (rate = ceil)
 *   686f:10   high    prio 0, rate 50% of the link   } ceil at the link rate: idle bandwidth is
 *   686f:20   normal  prio 1, rate 25%               } borrowed, by HTB priority first, so under
 *   686f:2    default prio 1, rate 15% (unclassified) } contention high keeps its 50% plus what
 *   686f:30   low     prio 2, rate 10%               } the others leave (tc-htb(8), "prio")
 *   686f:1NN  a rate rule's own class: rate R, ceil C (R when not given: a cap)
 * Priority classes exist only while a rule uses them. Every class has an explicit quantum (HTB warns
 * "quantum of class is big/small" when it derives one from r2q) and a rate estimator (every 1 s, averaged over 2 s) for the
 * current rate `hog shape list` shows. Filters are u32, IPv4 and IPv6, one preference per rule and
 * family: the port at either end (sport or dport), the remote host (dst going out, src coming in).
 */
import { isIPv4 } from 'node:net';
import {
  DEFAULT_CLASS,
  DEFAULT_MINOR_HEX,
  filterPrefs,
  HOG_QDISC,
  PRIO_CLASS,
  ROOT_CLASS,
  rateClassId,
} from './handles.js';
import { parseNetwork } from './host.js';
import { tcRate } from './rate.js';
import { PRIOS, rulePorts, type ShapeDirection, type ShapePrio, type ShapeRule } from './rules.js';

export interface ClassSpec {
  classId: string;
  parent: string;
  rateBitsPerSecond: number;
  ceilBitsPerSecond: number;
  prio: number;
  /** Set on every class: a class is a leaf until its first child arrives, and HTB warns then. */
  quantum: number;
  /** Bytes it may send at once: 1 ms at its ceiling, at least a frame (tc's default is 0 at 100gbit). */
  burstBytes: number;
}

export interface FilterSpec {
  protocol: 'ip' | 'ipv6';
  pref: number;
  flowid: string;
  /** One `tc filter add` per line: what follows "filter add dev X parent 686f: protocol P pref N u32". */
  matches: string[];
}

export interface HtbTree {
  dev: string;
  linkRateBitsPerSecond: number;
  classes: ClassSpec[];
  filters: FilterSpec[];
}

/** Shares of the link rate each priority is guaranteed (tree description above). */
const SHARE: Record<ShapePrio | 'default', number> = { high: 0.5, normal: 0.25, default: 0.15, low: 0.1 };
const HTB_PRIO: Record<ShapePrio | 'default', number> = { high: 0, normal: 1, default: 1, low: 2 };

/**
 * A leaf's quantum: what it may send per round among classes of its priority when borrowing. A tenth
 * of a second's bytes at its rate, at least one full frame, at most 200000 (HTB's own bounds).
 */
export function quantumFor(rateBitsPerSecond: number, mtu: number): number {
  return Math.max(mtu + 14, Math.min(200_000, Math.floor(rateBitsPerSecond / 8 / 10)));
}

export function burstFor(bitsPerSecond: number, mtu: number): number {
  return Math.max(mtu + 100, Math.floor(bitsPerSecond / 8 / 1000));
}

function portMatches(ports: number[], family: 'ip' | 'ip6'): string[] {
  return ports.flatMap((p) => [`match ${family} sport ${p} 0xffff`, `match ${family} dport ${p} 0xffff`]);
}

function ruleFilters(rule: ShapeRule, direction: ShapeDirection): FilterSpec[] {
  const prefs = filterPrefs(rule.slot);
  const ports = rulePorts(rule.match);
  if (ports.length > 0) {
    return [
      { protocol: 'ip', pref: prefs.ip, flowid: rule.classId, matches: portMatches(ports, 'ip') },
      { protocol: 'ipv6', pref: prefs.ipv6, flowid: rule.classId, matches: portMatches(ports, 'ip6') },
    ];
  }
  if (rule.match.host === undefined) return [];
  const net = parseNetwork(rule.match.host);
  const end = direction === 'egress' ? 'dst' : 'src';
  return isIPv4(net.text.split('/')[0] as string)
    ? [{ protocol: 'ip', pref: prefs.ip, flowid: rule.classId, matches: [`match ip ${end} ${net.text}`] }]
    : [
        {
          protocol: 'ipv6',
          pref: prefs.ipv6,
          flowid: rule.classId,
          matches: [`match ip6 ${end} ${net.text}`],
        },
      ];
}

/** The tree for one direction's rules (all on `dev`: the device, or its ifb for ingress). */
export function htbTree(
  dev: string,
  linkRateBitsPerSecond: number,
  mtu: number,
  rules: readonly ShapeRule[],
  direction: ShapeDirection,
): HtbTree {
  const link = linkRateBitsPerSecond;
  const leaf = (classId: string, share: ShapePrio | 'default'): ClassSpec => {
    const rate = Math.max(8, Math.floor(link * SHARE[share]));
    return {
      classId,
      parent: ROOT_CLASS,
      rateBitsPerSecond: rate,
      ceilBitsPerSecond: link,
      prio: HTB_PRIO[share],
      quantum: quantumFor(rate, mtu),
      burstBytes: burstFor(link, mtu),
    };
  };
  const classes: ClassSpec[] = [
    {
      classId: ROOT_CLASS,
      parent: 'root',
      rateBitsPerSecond: link,
      ceilBitsPerSecond: link,
      prio: 0,
      quantum: quantumFor(link, mtu),
      burstBytes: burstFor(link, mtu),
    },
    leaf(DEFAULT_CLASS, 'default'),
  ];
  const mine = rules.filter((r) => r.direction === direction);
  for (const prio of PRIOS) if (mine.some((r) => r.prio === prio)) classes.push(leaf(PRIO_CLASS[prio], prio));
  for (const rule of mine) {
    if (rule.rateBitsPerSecond === undefined) continue;
    const rate = rule.rateBitsPerSecond;
    classes.push({
      classId: rateClassId(rule.slot),
      parent: ROOT_CLASS,
      rateBitsPerSecond: rate,
      ceilBitsPerSecond: rule.ceilBitsPerSecond ?? rate,
      prio: 1,
      quantum: quantumFor(rate, mtu),
      burstBytes: burstFor(rule.ceilBitsPerSecond ?? rate, mtu),
    });
  }
  const filters = [...mine].sort((a, b) => a.slot - b.slot).flatMap((r) => ruleFilters(r, direction));
  return { dev, linkRateBitsPerSecond: link, classes, filters };
}

/** The tc batch lines that create a whole tree on a device whose root is free (default qdisc). */
export function qdiscAddLine(dev: string): string {
  return `qdisc add dev ${dev} root handle ${HOG_QDISC} htb default ${DEFAULT_MINOR_HEX}`;
}

export function classLine(verb: 'add' | 'change', dev: string, c: ClassSpec): string {
  const parent = c.parent === 'root' ? HOG_QDISC : c.parent;
  return `class ${verb} dev ${dev} parent ${parent} classid ${c.classId} estimator 1sec 2sec htb rate ${tcRate(c.rateBitsPerSecond)} ceil ${tcRate(c.ceilBitsPerSecond)} burst ${c.burstBytes} cburst ${c.burstBytes} prio ${c.prio} quantum ${c.quantum}`;
}

export function filterAddLines(dev: string, f: FilterSpec): string[] {
  return f.matches.map(
    (m) =>
      `filter add dev ${dev} parent ${HOG_QDISC} protocol ${f.protocol} pref ${f.pref} u32 ${m} flowid ${f.flowid}`,
  );
}

export function filterDelLine(dev: string, protocol: string, pref: number): string {
  return `filter del dev ${dev} parent ${HOG_QDISC} protocol ${protocol} pref ${pref}`;
}
