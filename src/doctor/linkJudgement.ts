/**
 * Is a link full? Pure judgement of one interface over the doctor's window (src/net/linkWindow.ts).
 *
 * By speed, where the speed is a limit (a physical device or a bond, link.ts): the busiest
 * direction's rate against it (each direction of a full-duplex link carries the full speed).
 *   warning >= 80%     critical >= 95%
 * A reading above 100% proves the reported speed is not a limit (a VM NIC reporting 1 Gb/s that
 * moves 3): then, as for virtual devices (veth, bridge, tun/tap: their 10 Gb/s is nominal) and links
 * without a speed, the rate alone says nothing, and the link is judged by what a full link does:
 * it drops on the way out (device tx drops plus qdisc drops, as a share of the packets offered)
 *   warning >= 0.1%    critical >= 1%    (and at least 10 packets)
 * or it queues: the root qdisc held, at both ends of the window, at least 5 ms of what the link sent
 * (and at least 64 KiB): a standing queue, as CoDel (RFC 8289) defines it with the same 5 ms target,
 * so the link's own rate is the limit (a shaper at its cap, a NIC at line rate). Bytes, not packets:
 * a GSO packet holds up to 64 KiB. A local TCP sender keeps little in the qdisc (TCP small queues):
 * its data waits in its socket instead, which the send-queues check reports.
 * Drops and queues count on every link, whatever its speed says.
 */
import type { LinkWindow } from '../net/linkWindow.js';
import { type Severity, severityRank } from './finding.js';

export const UTILISATION_WARNING = 80;
export const UTILISATION_CRITICAL = 95;
export const DROP_WARNING = 0.1;
export const DROP_CRITICAL = 1;
export const DROP_MIN_PACKETS = 10;
export const QUEUE_WARNING_MS = 5;
export const QUEUE_MIN_BYTES = 64 * 1024;

export interface LinkJudgement {
  name: string;
  severity: Extract<Severity, 'ok' | 'warning' | 'critical'>;
  /** Busiest direction. */
  direction: 'in' | 'out';
  /** Its rate, bytes per second. */
  rate: number;
  /** Against the limiting speed; undefined when the speed is unknown, nominal, or exceeded. */
  utilisationPercent: number | undefined;
  /**
   * Why the reported speed was not used, when one was reported: the device is virtual, or the
   * rate went above it.
   */
  speedIgnored?: 'virtual' | 'exceeded';
  /** Packets dropped on the way out during the window (device + qdisc), and their share. */
  dropped: number;
  dropPercent: number;
  /** The qdisc backlog stayed at or above QUEUE_WARNING_MS of sending at both ends. */
  queued: boolean;
  /** The last backlog in milliseconds of sending at the window's out rate; undefined without tc. */
  queueMs: number | undefined;
  /** What decided the severity. */
  basis: 'speed' | 'drops' | 'queue' | 'none';
}

const worse = (a: LinkJudgement['severity'], b: LinkJudgement['severity']) =>
  severityRank(a) <= severityRank(b) ? a : b;

export function judgeLink(load: LinkWindow): LinkJudgement {
  const direction = load.outRate >= load.inRate ? 'out' : 'in';
  const rate = Math.max(load.inRate, load.outRate);
  const speed = load.link.speedBitsPerSecond;
  const reported = load.link.reportedSpeedBitsPerSecond;
  const percentOfSpeed = speed === undefined ? undefined : ((rate * 8) / speed) * 100;
  const exceeded = percentOfSpeed !== undefined && percentOfSpeed > 100;
  const judgement: LinkJudgement = {
    name: load.name,
    severity: 'ok',
    direction,
    rate,
    utilisationPercent: exceeded ? undefined : percentOfSpeed,
    dropped: 0,
    dropPercent: 0,
    queued: false,
    queueMs: undefined,
    basis: 'none',
  };
  if (exceeded) judgement.speedIgnored = 'exceeded';
  else if (speed === undefined && reported !== undefined && load.link.virtual)
    judgement.speedIgnored = 'virtual';

  const u = judgement.utilisationPercent;
  if (u !== undefined && u >= UTILISATION_WARNING) {
    judgement.severity = u >= UTILISATION_CRITICAL ? 'critical' : 'warning';
    judgement.basis = 'speed';
  }
  const dropped = load.txDropped + (load.qdisc?.drops ?? 0);
  const offered = load.txPackets + dropped;
  judgement.dropped = dropped;
  judgement.dropPercent = offered > 0 ? (dropped / offered) * 100 : 0;
  if (dropped >= DROP_MIN_PACKETS && judgement.dropPercent >= DROP_WARNING) {
    const bySeverity = judgement.dropPercent >= DROP_CRITICAL ? 'critical' : 'warning';
    if (worse(bySeverity, judgement.severity) !== judgement.severity) judgement.basis = 'drops';
    judgement.severity = worse(bySeverity, judgement.severity);
  }
  const q = load.qdisc;
  if (q) {
    const threshold = Math.max(QUEUE_MIN_BYTES, (load.outRate * QUEUE_WARNING_MS) / 1000);
    judgement.queued = q.firstBacklogBytes >= threshold && q.lastBacklogBytes >= threshold;
    judgement.queueMs = load.outRate > 0 ? (q.lastBacklogBytes / load.outRate) * 1000 : undefined;
  }
  if (judgement.queued && judgement.severity === 'ok') {
    judgement.severity = 'warning';
    judgement.basis = 'queue';
  }
  return judgement;
}

/** The links judged full (warning or worse), by whatever decided it. */
export function fullLinks(loads: readonly LinkWindow[]): LinkJudgement[] {
  return loads.map(judgeLink).filter((j) => j.severity !== 'ok');
}
