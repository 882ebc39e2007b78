/**
 * network.unshaped-link: a full link with nothing shaping it, the top talker on that link, and the
 * hog shape commands that put it below the others. The parts on hand-made values, then the whole
 * check in a network namespace: iperf3 fills a veth held to 20 Mbit/s by a plain tbf (a bottleneck
 * that serves whoever fills its queue, like a NIC at line rate), and `hog doctor` inside the
 * namespace names the iperf3 client and the commands. (Under HTB a TCP sender keeps its data in its
 * socket, not in the qdisc, so the link is not judged full there: a classful root is checked on a
 * hand-made window.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import {
  shapeCommands,
  shapeRateText,
  shapingInPlace,
  topTalkerOn,
  unshapedLink,
} from '../../src/doctor/checks/unshapedLink.js';
import { createDoctorContext } from '../../src/doctor/context.js';
import { judgeLink } from '../../src/doctor/linkJudgement.js';
import { setNetworkWindow } from '../../src/doctor/networkWindow.js';
import type { LinkWindow } from '../../src/net/linkWindow.js';
import type { ConnectionRow } from '../../src/net/monitor.js';
import { HOG_BIN } from '../helpers/hog.js';
import { createNetnsPair, type NetnsPair, netnsAvailable } from '../helpers/netns.js';
import { waitFor } from '../helpers/processes.js';

const rates = (inRate: number, outRate: number) => ({
  2: { in: inRate, out: outRate },
  10: { in: inRate, out: outRate },
  40: { in: inRate, out: outRate },
});

const connection = (
  local: string,
  remote: string,
  pid: number | undefined,
  outRate: number,
): Pick<ConnectionRow, 'local' | 'remote' | 'processes' | 'rates'> => ({
  local: { address: local, port: 40000 },
  remote: { address: remote, port: 5201 },
  processes: pid === undefined ? [] : [{ pid, name: `p${pid}`, fd: 3 }],
  rates: rates(1000, outRate),
});

const addresses = new Map([
  ['10.1.0.1', 'veth0'],
  ['192.168.1.5', 'eth0'],
  ['127.0.0.1', 'lo'],
]);

/** A veth that dropped 5% of what it was given to send at 2.5 MB/s (20 Mbit/s). */
const fullVeth = (kind = 'tbf'): LinkWindow => ({
  name: 'veth0',
  link: {
    name: 'veth0',
    speedBitsPerSecond: undefined,
    reportedSpeedBitsPerSecond: 10e9,
    kind: 'virtual',
    virtual: true,
    operstate: 'up',
  },
  seconds: 2,
  inRate: 30_000,
  outRate: 2_500_000,
  txPackets: 3800,
  txDropped: 0,
  qdisc: {
    kind,
    drops: 200,
    firstBacklogPackets: 60,
    lastBacklogPackets: 60,
    firstBacklogBytes: 90_000,
    lastBacklogBytes: 90_000,
  },
});

describe('the parts', () => {
  it('names the process moving the most over the link, by the local address of its sockets', () => {
    const connections = [
      connection('10.1.0.1', '10.1.0.2', 100, 2_000_000),
      connection('10.1.0.1', '10.1.0.3', 200, 300_000),
      connection('10.1.0.1', '10.1.0.3', 200, 100_000),
      connection('192.168.1.5', '8.8.8.8', 300, 9_000_000), // eth0: not this link
      connection('10.1.0.1', '10.1.0.2', undefined, 100_000), // nobody seen: counts in the total
    ];
    expect(topTalkerOn(connections, 'veth0', 'out', addresses, -1)).toEqual({
      pid: 100,
      command: 'p100',
      rate: 2_000_000,
      share: 80,
    });
    expect(topTalkerOn(connections, 'eth0', 'out', addresses, -1)?.pid).toBe(300);
    // hog itself is never the talker
    expect(topTalkerOn(connections, 'veth0', 'out', addresses, 100)?.pid).toBe(200);
    expect(topTalkerOn(connections, 'wlan0', 'out', addresses, -1)).toBeUndefined();
  });

  it('says the link rate first where the kernel knows no limiting speed, then a low priority', () => {
    const load = fullVeth();
    const j = judgeLink(load);
    expect([j.severity, j.basis, j.direction]).toEqual(['critical', 'drops', 'out']);
    const talker = { pid: 100, command: 'iperf3', rate: 2_000_000, share: 80 };
    expect(shapeCommands(load, j, talker)).toEqual([
      'hog shape link --dev veth0 --rate 19mbit',
      'hog shape add --dev veth0 --pid 100 --prio low',
    ]);
    expect(shapeCommands(load, j, undefined)[1]).toBe('hog shape add --dev veth0 --port PORT --prio low');
  });

  it('shapes the download through ingress when the link is full that way', () => {
    const load = { ...fullVeth(), inRate: 5_000_000, outRate: 30_000 };
    const j = judgeLink(load);
    expect(j.direction).toBe('in');
    expect(shapeCommands(load, j, { pid: 7, command: 'curl', rate: 1, share: 90 })).toEqual([
      'hog shape link --dev veth0 --ingress-rate 38mbit',
      'hog shape add --dev veth0 --pid 7 --prio low --ingress',
    ]);
  });

  it('takes the speed from the kernel where it limits the link', () => {
    const nic: LinkWindow = {
      ...fullVeth('pfifo_fast'),
      name: 'eth0',
      link: { ...fullVeth().link, name: 'eth0', speedBitsPerSecond: 20e6, kind: 'physical', virtual: false },
      qdisc: undefined,
      txPackets: 3800,
    };
    const j = judgeLink(nic);
    expect(j.basis).toBe('speed');
    expect(shapeCommands(nic, j, undefined)).toEqual(['hog shape add --dev eth0 --port PORT --prio low']);
  });

  it('knows shaping in place: hog rules, a classful root qdisc; a tbf or a FIFO is none', () => {
    expect(shapingInPlace(fullVeth('tbf'), 'out', undefined, false)).toBeUndefined();
    expect(shapingInPlace(fullVeth('pfifo_fast'), 'out', undefined, false)).toBeUndefined();
    expect(shapingInPlace(fullVeth('htb'), 'out', undefined, false)).toBe('its root qdisc is htb');
    expect(shapingInPlace(fullVeth('htb'), 'out', 2, false)).toBe('hog shape has 2 rules on veth0');
    expect(shapingInPlace(fullVeth('htb'), 'in', 2, false)).toBeUndefined();
    expect(shapingInPlace(fullVeth('htb'), 'in', 2, true)).toBe("hog shapes veth0's ingress");
  });

  it('writes rates as hog shape reads them, rounded down', () => {
    expect(shapeRateText(19.99e6)).toBe('19mbit');
    expect(shapeRateText(9.5e6)).toBe('9500kbit');
    expect(shapeRateText(25e9)).toBe('25gbit');
    expect(shapeRateText(1)).toBe('8kbit');
  });
});

describe('the check on a hand-made window', () => {
  const contextWith = (links: LinkWindow[]) => {
    const context = createDoctorContext(
      { procRoot: '/proc', sysRoot: '/sys', etcRoot: '/etc', fsRoot: '' },
      manualClock(),
      true,
    );
    const snapshot = {
      time: 0,
      elapsedSeconds: 2,
      mode: 'sockets' as const,
      interfaces: [],
      connections: [],
      retired: [],
      notes: [],
    };
    setNetworkWindow(context, { seconds: 2, snapshot, processes: [], tcp: undefined, queues: [], links });
    return context;
  };

  it('warns for a full link under a tbf, and is ok once a classful qdisc is its root', async () => {
    // no device of this name here: no hog state, no talker can be named
    const load = { ...fullVeth('tbf'), name: 'hogtest0' };
    const [warning] = await unshapedLink.run(contextWith([load]));
    expect(warning?.severity).toBe('warning');
    expect(warning?.title).toBe(
      'hogtest0 is full and nothing shapes it: no process could be named (UDP, or another user without root); hog shape can give the rest priority',
    );
    expect(warning?.next).toEqual([
      'hog shape link --dev hogtest0 --rate 19mbit',
      'hog shape add --dev hogtest0 --port PORT --prio low',
      'hog shape list --dev hogtest0',
    ]);
    const shaped = await unshapedLink.run(
      contextWith([{ ...load, qdisc: { ...(load.qdisc as NonNullable<LinkWindow['qdisc']>), kind: 'htb' } }]),
    );
    expect(shaped.map((f) => [f.severity, f.title])).toEqual([
      ['ok', 'hogtest0 is full, but its root qdisc is htb'],
    ]);
    const quiet = await unshapedLink.run(contextWith([{ ...load, qdisc: undefined, txPackets: 5000 }]));
    expect(quiet.map((f) => [f.severity, f.title])).toEqual([['ok', 'no full link lacks traffic shaping']]);
  });
});

interface Report {
  findings: {
    check: string;
    severity: string;
    title: string;
    next: string[];
    subjects?: { pid: number }[];
  }[];
}

const iperf3 = spawnSync('iperf3', ['--version']).status === 0;
const why = !netnsAvailable()
  ? 'cannot make network namespaces here (needs root and ip netns)'
  : !iperf3
    ? 'iperf3 is not installed (scripts/system-deps.mjs installs it)'
    : undefined;
if (why) console.log(`skipping the saturated veth doctor test: ${why}`);

/** The root qdisc's backlog and drops on the namespace's veth. */
function qdisc(pair: NetnsPair): { backlog: number; drops: number } {
  const [q] = JSON.parse(pair.execIn(pair.a, 'tc', ['-s', '-j', 'qdisc', 'show', 'dev', pair.vethA, 'root']));
  return { backlog: q?.backlog ?? 0, drops: q?.drops ?? 0 };
}

describe.skipIf(why !== undefined)('hog doctor on a veth filled by iperf3 through a plain tbf', () => {
  let pair: NetnsPair;
  beforeAll(() => {
    pair = createNetnsPair('u');
    execFileSync('ip', [
      'netns',
      'exec',
      pair.a,
      'tc',
      'qdisc',
      'add',
      'dev',
      pair.vethA,
      'root',
      'tbf',
      'rate',
      '20mbit',
      'burst',
      '32kbit',
      'latency',
      '200ms',
    ]);
  });
  afterAll(() => pair?.remove());

  it('names the iperf3 client and the hog shape commands', async () => {
    const server = pair.spawnIn(pair.b, 'iperf3', ['-s', '-p', '5298'], { stdout: 'ignore' });
    await waitFor(
      () => pair.execIn(pair.b, 'ss', ['-tlnH', 'sport = :5298']).includes('5298'),
      'iperf3 -s to listen',
    );
    // bounded: 15 s covers the start, the doctor's 2 s and a loaded machine. 8 streams: one TCP
    // sender keeps ~16 KiB in the qdisc (TCP small queues), too little for a standing queue
    const client = pair.spawnIn(
      pair.a,
      'iperf3',
      ['-c', pair.addressB, '-p', '5298', '-t', '15', '-P', '8'],
      {
        stdout: 'ignore',
      },
    );
    const doctor = () => {
      const run = spawnSync(
        'ip',
        ['netns', 'exec', pair.a, HOG_BIN, 'doctor', '--json', '--only', 'network.unshaped-link'],
        { encoding: 'utf8', timeout: 20_000 },
      );
      return (JSON.parse(run.stdout) as Report).findings;
    };
    try {
      await waitFor(() => qdisc(pair).backlog > 64 * 1024, 'a standing queue in the tbf');
      const [finding, ...rest] = doctor();
      expect(rest).toEqual([]);
      expect(finding?.severity).toBe('warning');
      expect(finding?.title).toMatch(
        new RegExp(
          `^${pair.vethA} is full and nothing shapes it: PID ${client.pid} \\(iperf3\\) moves (9\\d|100)% of the TCP it sends; hog shape can give the rest priority$`,
        ),
      );
      expect(finding?.subjects).toEqual([{ pid: client.pid, name: 'iperf3' }]);
      // 95% of what the tbf lets through (20 Mbit/s of frames, a little more in a burst)
      expect(finding?.next[0]).toMatch(new RegExp(`^hog shape link --dev ${pair.vethA} --rate (18|19)mbit$`));
      expect(finding?.next.slice(1)).toEqual([
        `hog shape add --dev ${pair.vethA} --pid ${client.pid} --prio low`,
        `hog shape list --dev ${pair.vethA}`,
      ]);
    } finally {
      client.kill('SIGKILL');
      server.kill('SIGKILL');
    }
  }, 60_000);
});
