/** The network doctor checks on hand-made 2-second windows: thresholds, wording, evidence, subjects. */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { linkUtilisation } from '../../src/doctor/checks/linkUtilisation.js';
import { sendQueues } from '../../src/doctor/checks/sendQueues.js';
import { tcpRetransmits } from '../../src/doctor/checks/tcpRetransmits.js';
import { topTalker } from '../../src/doctor/checks/topTalker.js';
import { createDoctorContext, type DoctorContext } from '../../src/doctor/context.js';
import type { Finding } from '../../src/doctor/finding.js';
import { setNetworkWindow } from '../../src/doctor/networkWindow.js';
import type { LinkWindow } from '../../src/net/linkWindow.js';
import type { NetRow } from '../../src/net/netView.js';
import type { NetWindow, QueuedSocket } from '../../src/net/netWindow.js';
import type { WindowRates } from '../../src/net/rateWindow.js';

const rates = (inRate: number, outRate: number): WindowRates => ({
  2: { in: inRate, out: outRate },
  10: { in: inRate, out: outRate },
  40: { in: inRate, out: outRate },
});

function iface(name: string, outRate: number, speed?: number): LinkWindow {
  const physical = speed !== undefined;
  return {
    name,
    link: {
      name,
      speedBitsPerSecond: speed,
      reportedSpeedBitsPerSecond: speed,
      kind: physical ? 'physical' : 'virtual',
      virtual: !physical,
      operstate: 'up',
    },
    seconds: 2,
    inRate: 0,
    outRate,
    txPackets: 1000,
    txDropped: 0,
  };
}

const proc = (pid: number, command: string, outRate: number): NetRow => ({
  by: 'process',
  key: String(pid),
  label: command,
  pid,
  command,
  connections: 2,
  rates: rates(0, outRate),
  totalIn: 0,
  totalOut: outRate * 2,
  peakIn: 0,
  peakOut: outRate,
});

function context(window: Partial<NetWindow>): DoctorContext {
  const ctx = createDoctorContext(
    { procRoot: '/proc', sysRoot: '/sys', etcRoot: '/etc', fsRoot: '' },
    manualClock(),
    true,
  );
  setNetworkWindow(ctx, {
    seconds: 2,
    snapshot: {
      time: 0,
      elapsedSeconds: 2,
      mode: 'sockets',
      interfaces: [],
      connections: [],
      retired: [],
      notes: [],
    },
    processes: [],
    tcp: { outSegs: 0, retransSegs: 0 },
    queues: [],
    links: [],
    ...window,
  });
  return ctx;
}

const withInterfaces = (links: LinkWindow[], extra: Partial<NetWindow> = {}) => context({ links, ...extra });

const run = async (check: { run: (c: DoctorContext) => Finding[] | Promise<Finding[]> }, c: DoctorContext) =>
  (await check.run(c))[0] as Finding;

describe('network.link-utilisation', () => {
  it('is ok below 80%, warning from 80%, critical from 95% of the link speed', async () => {
    const gig = 1_000_000_000;
    expect((await run(linkUtilisation, withInterfaces([iface('eth0', 50_000_000, gig)]))).severity).toBe(
      'ok',
    );
    const warning = await run(linkUtilisation, withInterfaces([iface('eth0', 110_000_000, gig)]));
    expect(warning.severity).toBe('warning');
    expect(warning.title).toBe('eth0 is saturated: 88% of its 1.0 Gb/s link (out)');
    expect(warning.evidence[0]).toMatchObject({ unit: 'percent', value: 88 });
    expect(warning.next).toContain('hog net --by process');
    expect((await run(linkUtilisation, withInterfaces([iface('eth0', 120_000_000, gig)]))).severity).toBe(
      'critical',
    );
  });

  it('says so when no interface knows its speed', async () => {
    const f = await run(linkUtilisation, withInterfaces([iface('veth0', 5_000_000)]));
    expect(f.severity).toBe('ok');
    expect(f.title).toBe(
      'no interface has a link speed that limits it; busiest: veth0 40.0 Mb/s; no link drops 0.1% of its packets or holds a queue',
    );
  });
});

describe('network.top-talker', () => {
  it('names a process with most of the traffic, a warning when a link is saturated too', async () => {
    const processes = [proc(10, 'rsync', 9_000_000), proc(11, 'sshd', 1_000_000)];
    const info = await run(topTalker, context({ processes }));
    expect(info.severity).toBe('info');
    expect(info.title).toBe('PID 10 (rsync) moves 90% of the TCP traffic: 72.0 Mb/s');
    expect(info.subjects).toEqual([{ pid: 10, name: 'rsync' }]);
    const saturated = withInterfaces([iface('eth0', 12_000_000, 100_000_000)], { processes });
    const warning = await run(topTalker, saturated);
    expect(warning.severity).toBe('warning');
    expect(warning.title).toContain('while eth0 is saturated');
  });

  it('names nobody when traffic is small or shared', async () => {
    expect((await run(topTalker, context({ processes: [proc(10, 'a', 1000)] }))).severity).toBe('ok');
    const shared = [proc(10, 'a', 5_000_000), proc(11, 'b', 5_000_000)];
    expect((await run(topTalker, context({ processes: shared }))).severity).toBe('ok');
  });
});

describe('network.tcp-retransmits', () => {
  it('judges the retransmitted share once enough segments went out', async () => {
    const at = async (outSegs: number, retransSegs: number) =>
      (await run(tcpRetransmits, context({ tcp: { outSegs, retransSegs } }))).severity;
    expect(await at(10_000, 50)).toBe('ok');
    expect(await at(10_000, 300)).toBe('warning');
    expect(await at(10_000, 1500)).toBe('critical');
    expect(await at(50, 40)).toBe('ok');
    expect((await run(tcpRetransmits, context({ tcp: undefined }))).severity).toBe('unknown');
  });
});

describe('network.send-queues', () => {
  const q = (first: number, last: number, pid?: number): QueuedSocket => ({
    local: '10.0.0.1:40000',
    remote: '10.0.0.2:443',
    firstSendQ: first,
    lastSendQ: last,
    ...(pid ? { pid, command: 'backup' } : {}),
  });
  it('warns about queues that stayed at 1 MiB or more in both samples', async () => {
    const f = await run(sendQueues, context({ queues: [q(2 << 20, 3 << 20, 42), q(0, 5 << 20)] }));
    expect(f.severity).toBe('warning');
    expect(f.title).toBe(
      '1 socket with a large send queue: PID 42 (backup) has 3.0 MiB waiting for 10.0.0.2:443',
    );
    expect(f.subjects).toEqual([{ pid: 42, name: 'backup' }]);
    expect((await run(sendQueues, context({ queues: [q(100, 200)] }))).severity).toBe('ok');
  });
});
