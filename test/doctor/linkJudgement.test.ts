/**
 * The judgement of one link over the doctor's window, on fixtures: speed where it is a limit, drops
 * and queues everywhere, and a nominal or exceeded speed said to be no limit (issue 14: an unlimited
 * iperf3 over veth was "CRITICAL ... 208% of its 10.0 Gb/s link").
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { linkUtilisation } from '../../src/doctor/checks/linkUtilisation.js';
import { topTalker } from '../../src/doctor/checks/topTalker.js';
import { createDoctorContext } from '../../src/doctor/context.js';
import type { Finding } from '../../src/doctor/finding.js';
import { judgeLink } from '../../src/doctor/linkJudgement.js';
import { setNetworkWindow } from '../../src/doctor/networkWindow.js';
import { type LinkKind, type LinkSysfs, linkInfoOf, linkKind } from '../../src/net/link.js';
import type { LinkWindow } from '../../src/net/linkWindow.js';
import type { NetWindow } from '../../src/net/netWindow.js';

const GBIT = 1_000_000_000;

/** sysfs of a device of this kind, as the kernel shows it (veth and tap report a nominal 10000 Mb/s). */
function sysfs(kind: LinkKind | 'veth', speed?: string): LinkSysfs {
  return {
    hasDevice: kind === 'physical',
    hasBridgeDir: kind === 'bridge',
    hasBondingDir: kind === 'bond',
    tunFlags: kind === 'tap' ? '0x1802\n' : kind === 'tun' ? '0x1001\n' : undefined,
    uevent: kind === 'vlan' ? 'DEVTYPE=vlan\nINTERFACE=eth0.5\nIFINDEX=7\n' : 'INTERFACE=x\nIFINDEX=3\n',
    type: kind === 'loopback' ? '772\n' : '1\n',
    speed: speed ?? (kind === 'veth' || kind === 'tap' ? '10000\n' : undefined),
  };
}

function load(
  kind: LinkKind | 'veth',
  outBitsPerSecond: number,
  options: { speed?: string; txPackets?: number; txDropped?: number; qdisc?: LinkWindow['qdisc'] } = {},
): LinkWindow {
  return {
    name: kind === 'veth' ? 'veth0' : kind,
    link: linkInfoOf(kind === 'veth' ? 'veth0' : kind, sysfs(kind, options.speed), 'up'),
    seconds: 2,
    inRate: 0,
    outRate: outBitsPerSecond / 8,
    txPackets: options.txPackets ?? 100_000,
    txDropped: options.txDropped ?? 0,
    ...(options.qdisc ? { qdisc: options.qdisc } : {}),
  };
}

describe('link kinds from sysfs', () => {
  it('tells physical, bond, bridge, tun, tap, vlan, loopback and other virtual devices apart', () => {
    const kinds = (['physical', 'bond', 'bridge', 'tun', 'tap', 'vlan', 'loopback', 'veth'] as const).map(
      (k) => linkKind(sysfs(k)),
    );
    expect(kinds).toEqual(['physical', 'bond', 'bridge', 'tun', 'tap', 'vlan', 'loopback', 'virtual']);
  });

  it('keeps a speed as a limit only for physical devices and bonds', () => {
    expect(linkInfoOf('eth0', sysfs('physical', '1000\n'))).toMatchObject({
      speedBitsPerSecond: GBIT,
      reportedSpeedBitsPerSecond: GBIT,
      virtual: false,
    });
    // the kernel's bond speed is the sum of its active slaves': the aggregate limit
    expect(linkInfoOf('bond0', sysfs('bond', '20000\n')).speedBitsPerSecond).toBe(20 * GBIT);
    for (const kind of ['veth', 'tap', 'vlan', 'bridge'] as const) {
      const info = linkInfoOf('x', sysfs(kind, '10000\n'));
      expect(info.speedBitsPerSecond).toBeUndefined();
      expect(info.reportedSpeedBitsPerSecond).toBe(10 * GBIT);
      expect(info.virtual).toBe(true);
    }
  });
});

describe('judgeLink', () => {
  it('judges a physical link by its speed: ok below 80%, warning from 80%, critical from 95%', () => {
    const at = (gbps: number) => judgeLink(load('physical', gbps * GBIT, { speed: '1000' }));
    expect(at(0.5)).toMatchObject({ severity: 'ok', utilisationPercent: 50, basis: 'none' });
    expect(at(0.88)).toMatchObject({ severity: 'warning', basis: 'speed' });
    expect(at(0.96)).toMatchObject({ severity: 'critical', basis: 'speed', direction: 'out' });
  });

  it('never judges a veth by its nominal 10 Gb/s: 20.8 Gb/s without drops is ok', () => {
    const j = judgeLink(load('veth', 20.8 * GBIT));
    expect(j).toMatchObject({
      severity: 'ok',
      utilisationPercent: undefined,
      speedIgnored: 'virtual',
      basis: 'none',
      dropped: 0,
    });
    expect(j.rate).toBe(2.6e9);
    // nor at 9.6 Gb/s, which would have been 96% of it
    expect(judgeLink(load('veth', 9.6 * GBIT)).severity).toBe('ok');
    expect(judgeLink(load('tap', 9.6 * GBIT)).severity).toBe('ok');
  });

  it('sets aside a physical speed the rate went past (a VM NIC), and judges by drops instead', () => {
    const j = judgeLink(load('physical', 3 * GBIT, { speed: '1000' }));
    expect(j).toMatchObject({ severity: 'ok', utilisationPercent: undefined, speedIgnored: 'exceeded' });
    const dropping = judgeLink(
      load('physical', 3 * GBIT, { speed: '1000', txPackets: 9_900, txDropped: 100 }),
    );
    expect(dropping).toMatchObject({ severity: 'critical', basis: 'drops', dropped: 100, dropPercent: 1 });
  });

  it('judges any link by its drops: warning from 0.1%, critical from 1%, at least 10 packets', () => {
    const drops = (txDropped: number, qdiscDrops = 0) =>
      judgeLink(
        load('veth', 12 * GBIT, {
          txPackets: 100_000 - txDropped - qdiscDrops,
          txDropped,
          qdisc: {
            kind: 'pfifo_fast',
            drops: qdiscDrops,
            firstBacklogPackets: 0,
            lastBacklogPackets: 0,
            firstBacklogBytes: 0,
            lastBacklogBytes: 0,
          },
        }),
      );
    expect(drops(50)).toMatchObject({ severity: 'ok', dropPercent: 0.05 });
    expect(drops(200)).toMatchObject({ severity: 'warning', basis: 'drops', dropPercent: 0.2 });
    expect(drops(500, 1000)).toMatchObject({ severity: 'critical', dropped: 1500, dropPercent: 1.5 });
    const few = judgeLink(load('veth', GBIT, { txPackets: 95, txDropped: 5 }));
    expect(few).toMatchObject({ severity: 'ok', dropped: 5, dropPercent: 5 });
  });

  it('warns about a qdisc queue that held 5 ms of sending at both ends (a veth shaped at its cap)', () => {
    // 100 Mb/s out = 12.5 MB/s: 5 ms of it is 62.5 kB, below the 64 KiB floor
    const queue = (firstBytes: number, lastBytes: number) =>
      judgeLink(
        load('veth', 0.1 * GBIT, {
          qdisc: {
            kind: 'tbf',
            drops: 0,
            firstBacklogPackets: 18,
            lastBacklogPackets: 18,
            firstBacklogBytes: firstBytes,
            lastBacklogBytes: lastBytes,
          },
        }),
      );
    expect(queue(424_000, 250_000)).toMatchObject({
      severity: 'warning',
      basis: 'queue',
      queued: true,
      queueMs: 20,
    });
    expect(queue(0, 424_000)).toMatchObject({ severity: 'ok', queued: false });
    expect(queue(60_000, 424_000)).toMatchObject({ severity: 'ok', queued: false });
    // a slow link needs 64 KiB at least: 5 ms of 1 Mb/s (625 B) is a normal burst
    const slow = judgeLink(
      load('physical', 1_000_000, {
        speed: '1000',
        qdisc: {
          kind: 'pfifo_fast',
          drops: 0,
          firstBacklogPackets: 20,
          lastBacklogPackets: 20,
          firstBacklogBytes: 30_000,
          lastBacklogBytes: 30_000,
        },
      }),
    );
    expect(slow).toMatchObject({ severity: 'ok', queued: false });
  });
});

function contextWith(links: LinkWindow[], processes: NetWindow['processes'] = []) {
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
    processes,
    tcp: { outSegs: 0, retransSegs: 0 },
    queues: [],
    links,
  });
  return ctx;
}

describe('network.link-utilisation on a veth at 20.8 Gb/s', () => {
  it('is ok and says the 10.0 Gb/s is nominal, not a limit', async () => {
    const [f] = (await linkUtilisation.run(contextWith([load('veth', 20.8 * GBIT)]))) as Finding[];
    expect(f?.severity).toBe('ok');
    expect(f?.title).toBe(
      'no interface has a link speed that limits it; busiest: veth0 20.8 Gb/s; no link drops 0.1% of its packets or holds a queue; veth0 moves 20.8 Gb/s, above its reported 10.0 Gb/s: that speed is nominal (virtual link), not a limit',
    );
    expect(f?.evidence.map((e) => e.text)).toEqual(['20.8 Gb/s', '10.0 Gb/s']);
  });

  it('names the drops when a veth drops, and the top talker then says the link is saturated', async () => {
    const veth = load('veth', 20.8 * GBIT, { txPackets: 98_000, txDropped: 2_000 });
    const processes = [
      {
        by: 'process' as const,
        key: '7',
        label: 'iperf3',
        pid: 7,
        command: 'iperf3',
        connections: 1,
        rates: { 2: { in: 0, out: 2.6e9 }, 10: { in: 0, out: 2.6e9 }, 40: { in: 0, out: 2.6e9 } },
        totalIn: 0,
        totalOut: 5.2e9,
        peakIn: 0,
        peakOut: 2.6e9,
      },
    ];
    const ctx = contextWith([veth], processes);
    const [f] = (await linkUtilisation.run(ctx)) as Finding[];
    expect(f?.severity).toBe('critical');
    expect(f?.title).toBe(
      'veth0 is full: it dropped 2.0% of the packets it was given to send (2000 in 2 s) at 20.8 Gb/s out; veth0 moves 20.8 Gb/s, above its reported 10.0 Gb/s: that speed is nominal (virtual link), not a limit',
    );
    const [talker] = (await topTalker.run(ctx)) as Finding[];
    expect(talker?.severity).toBe('warning');
    expect(talker?.title).toBe(
      'PID 7 (iperf3) moves 100% of the TCP traffic: 20.8 Gb/s while veth0 is saturated',
    );
  });

  it('names a standing queue on a shaped veth, with its size and delay', async () => {
    const shaped = load('veth', 0.1 * GBIT, {
      qdisc: {
        kind: 'tbf',
        drops: 0,
        firstBacklogPackets: 160,
        lastBacklogPackets: 164,
        firstBacklogBytes: 240_000,
        lastBacklogBytes: 250_000,
      },
    });
    const [f] = (await linkUtilisation.run(contextWith([shaped]))) as Finding[];
    expect(f?.severity).toBe('warning');
    expect(f?.title).toBe(
      'veth0 is full: packets wait in its tbf queue throughout 2 s (244.1 KiB, 20 ms of sending at 100.0 Mb/s out)',
    );
    expect(f?.evidence.map((e) => `${e.label}: ${e.text}`)).toEqual([
      'veth0 in: 0 b/s',
      'veth0 out: 100.0 Mb/s',
      'veth0 reported speed (nominal: virtual device): 10.0 Gb/s',
      'veth0 packets dropped on send (2 s): 0',
      'veth0 qdisc tbf backlog: 244.1 KiB',
    ]);
    expect(f?.next).toContain('tc -s qdisc show dev veth0');
  });
});
