/**
 * A short look at the network for `hog doctor`: two samples `seconds` apart (2 s, iftop's shortest
 * window) of the socket table, /proc/net/dev and /proc/net/snmp. From them: each interface's rate and
 * utilisation, each process's share, the TCP retransmit rate of the namespace, and the send queues
 * that stayed large in both samples.
 */
import type { Clock } from '../clock.js';
import { formatEndpoint } from './address.js';
import { FlowTracker } from './flowTracker.js';
import { readLinkInfo } from './link.js';
import { NetMonitor, type NetSnapshot } from './monitor.js';
import { buildRows, type NetRow } from './netView.js';
import { readTcpSegments, type TcpSegments } from './procNetSnmp.js';
import { NetSampler } from './sampler.js';

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
}

export interface NetWindowOptions {
  procRoot: string;
  sysRoot: string;
  clock: Clock;
  seconds: number;
}

export async function sampleNetWindow(options: NetWindowOptions): Promise<NetWindow> {
  const sampler = new NetSampler({ procRoot: options.procRoot, clock: options.clock, watchClosed: false });
  const monitor = new NetMonitor(new FlowTracker(), 'sockets', (name) => readLinkInfo(name, options.sysRoot));
  try {
    const segmentsBefore = safeSegments(options.procRoot);
    const first = await sampler.sample();
    monitor.update(first);
    await options.clock.sleep(options.seconds * 1000);
    const last = await sampler.sample();
    monitor.update(last);
    const segmentsAfter = safeSegments(options.procRoot);
    const snapshot = monitor.snapshot();
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
      queues,
    };
  } finally {
    sampler.close();
  }
}

function safeSegments(procRoot: string): TcpSegments | undefined {
  try {
    return readTcpSegments(procRoot);
  } catch {
    return undefined;
  }
}
