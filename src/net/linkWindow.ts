/**
 * One interface over a short window, from two samples of /proc/net/dev and of the qdisc counters:
 * what it is (link.ts), its rate each way, and what it dropped or queued on the way out. These are
 * what tells a full link from a busy one when the link speed is unknown or only nominal (veth).
 */
import type { LinkInfo } from './link.js';
import type { InterfaceCounters } from './procNetDev.js';
import type { QdiscStats } from './qdiscStats.js';

export interface LinkWindow {
  name: string;
  link: LinkInfo;
  seconds: number;
  /** Bytes per second over the window, received and sent (link-layer frames, as the driver counts). */
  inRate: number;
  outRate: number;
  /** Packets sent, and packets dropped on the way out by the device (tx drop in /proc/net/dev). */
  txPackets: number;
  txDropped: number;
  /** The root qdisc's drops during the window and its backlog at both ends; absent without tc. */
  qdisc?: {
    kind: string;
    drops: number;
    firstBacklogPackets: number;
    lastBacklogPackets: number;
    firstBacklogBytes: number;
    lastBacklogBytes: number;
  };
}

/** A counter that went back (the device was re-created meanwhile) counts from zero. */
const delta = (after: number, before: number) => (after >= before ? after - before : after);

export function linkWindows(
  first: { now: number; interfaces: InterfaceCounters[] },
  last: { now: number; interfaces: InterfaceCounters[] },
  linkOf: (name: string) => LinkInfo,
  qdiscsBefore: Map<string, QdiscStats> | undefined,
  qdiscsAfter: Map<string, QdiscStats> | undefined,
): LinkWindow[] {
  const seconds = (last.now - first.now) / 1000;
  const before = new Map(first.interfaces.map((i) => [i.name, i]));
  const links: LinkWindow[] = [];
  for (const after of last.interfaces) {
    const start = before.get(after.name);
    if (!start || seconds <= 0) continue;
    const window: LinkWindow = {
      name: after.name,
      link: linkOf(after.name),
      seconds,
      inRate: delta(after.rxBytes, start.rxBytes) / seconds,
      outRate: delta(after.txBytes, start.txBytes) / seconds,
      txPackets: delta(after.txPackets, start.txPackets),
      txDropped: delta(after.txDropped, start.txDropped),
    };
    const qBefore = qdiscsBefore?.get(after.name);
    const qAfter = qdiscsAfter?.get(after.name);
    if (qBefore && qAfter && qBefore.kind === qAfter.kind) {
      window.qdisc = {
        kind: qAfter.kind,
        drops: delta(qAfter.drops, qBefore.drops),
        firstBacklogPackets: qBefore.backlogPackets,
        lastBacklogPackets: qAfter.backlogPackets,
        firstBacklogBytes: qBefore.backlogBytes,
        lastBacklogBytes: qAfter.backlogBytes,
      };
    }
    links.push(window);
  }
  return links;
}
