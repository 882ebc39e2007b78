/**
 * A short look at the network for `hog doctor`: two samples `seconds` apart (2 s, iftop's shortest
 * window) of the socket table, /proc/net/dev and /proc/net/snmp. From them: each interface's rate and
 * utilisation, each process's share, the TCP retransmit rate of the namespace, the send queues
 * that stayed large in both samples, and each link's drops and qdisc queue (linkWindow.ts).
 */
import type { Clock } from '../clock.js';
import { formatEndpoint } from './address.js';
import { FlowTracker } from './flowTracker.js';
import { type LinkInfo, readLinkInfo } from './link.js';
import { type LinkWindow, linkWindows } from './linkWindow.js';
import { NetMonitor, type NetSnapshot } from './monitor.js';
import { buildRows, type NetRow } from './netView.js';
import { readTcpSegments, type TcpSegments } from './procNetSnmp.js';
import { type QdiscStats, readQdiscStats } from './qdiscStats.js';
import { NetSampler, type NetTick } from './sampler.js';

export interface QueuedSocket {
  local: string;
  remote: string;
  pid?: number;
  command?: string;
  /** Send-Q in the first and in the last sample, bytes. */
  firstSendQ: number;
  lastSendQ: number;
}

export interface NetWindow {
  seconds: number;
  snapshot: NetSnapshot;
  /** Processes by TCP payload rate over the window, busiest first. */
  processes: NetRow[];
  /** TCP segments sent and retransmitted during the window; undefined without /proc/net/snmp. */
  tcp: TcpSegments | undefined;
  queues: QueuedSocket[];
  /** Each interface present at both ends: what it is, what it moved, what it dropped. */
  links: LinkWindow[];
}

export interface NetWindowOptions {
  procRoot: string;
  sysRoot: string;
  clock: Clock;
  seconds: number;
  /** Read the qdisc counters (tc) at both ends of the window; tests of fixture trees turn it off. */
  qdiscs?: () => Promise<Map<string, QdiscStats> | undefined>;
}

/** The second qdisc reading is taken this long before the window's end (see beginNetWindow). */
const QDISC_LEAD_MS = 50;

/** A window whose first sample is taken: finish() waits out the rest of it and takes the last. */
export interface OpenNetWindow {
  finish(): Promise<NetWindow>;
}

/**
 * Take the first sample now; the caller may do other work (the doctor runs its memory and disk
 * checks) before finish(), which sleeps only what is left of the window: the two samples stay
 * `seconds` apart however long that work took, unless it took longer (then the window is longer and
 * the rates are still per second of real time: they divide by the samples' own timestamps).
 */
export async function beginNetWindow(options: NetWindowOptions): Promise<OpenNetWindow> {
  const sampler = new NetSampler({ procRoot: options.procRoot, clock: options.clock, watchClosed: false });
  try {
    const links = new Map<string, LinkInfo>();
    const linkOf = (name: string) => {
      let link = links.get(name);
      if (!link) {
        link = readLinkInfo(name, options.sysRoot);
        links.set(name, link);
      }
      return link;
    };
    const monitor = new NetMonitor(new FlowTracker(), 'sockets', linkOf);
    const segmentsBefore = safeSegments(options.procRoot);
    const first = await sampler.sample();
    monitor.update(first);
    // tc is a process: spawning it blocks ~15 ms, so both readings are taken inside the window (just
    // after the first sample, QDISC_LEAD_MS before the last) rather than delaying either end of it
    const readQdiscs = options.qdiscs ?? readQdiscStats;
    const qdiscsBefore = readQdiscs();
    const end = first.now + options.seconds * 1000;
    return {
      finish: async () => {
        try {
          const untilQdiscs = end - QDISC_LEAD_MS - options.clock.monotonic();
          if (untilQdiscs > 0) await options.clock.sleep(untilQdiscs);
          const qdiscsAfter = readQdiscs();
          const left = end - options.clock.monotonic();
          if (left > 0) await options.clock.sleep(left);
          const last = await sampler.sample();
          monitor.update(last);
          const segmentsAfter = safeSegments(options.procRoot);
          const snapshot = monitor.snapshot();
          return {
            seconds: options.seconds,
            snapshot,
            processes: buildRows(snapshot, 'process', {}, '2s'),
            tcp:
              segmentsBefore && segmentsAfter
                ? {
                    outSegs: segmentsAfter.outSegs - segmentsBefore.outSegs,
                    retransSegs: segmentsAfter.retransSegs - segmentsBefore.retransSegs,
                  }
                : undefined,
            queues: queuedSockets(first, last),
            links: linkWindows(first, last, linkOf, await qdiscsBefore, await qdiscsAfter),
          };
        } finally {
          sampler.close();
        }
      },
    };
  } catch (error) {
    sampler.close();
    throw error;
  }
}

export async function sampleNetWindow(options: NetWindowOptions): Promise<NetWindow> {
  return (await beginNetWindow(options)).finish();
}

function queuedSockets(first: NetTick, last: NetTick): QueuedSocket[] {
  const firstQueues = new Map(
    first.observations.map((o) => [`${formatEndpoint(o.local)} ${formatEndpoint(o.remote)}`, o.sendQ ?? 0]),
  );
  const queues: QueuedSocket[] = [];
  for (const o of last.observations) {
    const key = `${formatEndpoint(o.local)} ${formatEndpoint(o.remote)}`;
    const owner = o.processes?.[0];
    const q: QueuedSocket = {
      local: formatEndpoint(o.local),
      remote: formatEndpoint(o.remote),
      firstSendQ: firstQueues.get(key) ?? 0,
      lastSendQ: o.sendQ ?? 0,
    };
    if (owner) {
      q.pid = owner.pid;
      q.command = owner.name;
    }
    queues.push(q);
  }
  return queues;
}

function safeSegments(procRoot: string): TcpSegments | undefined {
  try {
    return readTcpSegments(procRoot);
  } catch {
    return undefined;
  }
}
