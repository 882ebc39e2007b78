/** Rates over iftop's windows, totals across closes and 4-tuple reuse, TCP limits, grouping, keys. */
import { describe, expect, it } from 'vitest';
import { type FlowObservation, FlowTracker } from '../../src/net/flowTracker.js';
import { NetMonitor } from '../../src/net/monitor.js';
import { buildRows, GroupPeaks, type NetRow } from '../../src/net/netView.js';
import { CounterHistory } from '../../src/net/rateWindow.js';
import type { NetTick } from '../../src/net/sampler.js';
import { tcpHealth } from '../../src/net/tcpHealth.js';
import type { TcpInfo } from '../../src/net/tcpInfo.js';
import type { Key } from '../../src/render/keys.js';
import { handleNetKey, initialNetState } from '../../src/render/netModel.js';
import { renderNetFrame } from '../../src/render/netScreen.js';

const local = { address: '10.0.0.1', port: 40000 };
const remote = { address: '10.0.0.2', port: 443 };

function obs(tx: number, rx: number, extra: Partial<FlowObservation> = {}): FlowObservation {
  return { proto: 'tcp', local, remote, txBytes: tx, rxBytes: rx, state: 'ESTAB', ...extra };
}

describe('CounterHistory', () => {
  it('averages over 2, 10 and 40 s, divided by the time watched when shorter', () => {
    const h = new CounterHistory(0);
    for (let s = 0; s <= 20; s++) h.push(s * 1000, 0, s * 1000); // 1000 B/s out
    h.push(21_000, 0, 20_000 + 10_000); // a 10 kB burst in the last second
    expect(h.rate(21_000, 2).out).toBe((10_000 + 1000) / 2);
    expect(h.rate(21_000, 10).out).toBe((10_000 + 9000) / 10);
    // 40 s window, 21 s watched
    expect(h.rate(21_000, 40).out).toBeCloseTo(30_000 / 21);
  });

  it('counts a counter born mid-watch from zero at its birth', () => {
    const h = new CounterHistory(0, 9000);
    h.push(10_000, 5000, 0);
    expect(h.rate(10_000, 2).in).toBe(2500);
    expect(h.rate(10_000, 10).in).toBe(500);
  });
});

describe('FlowTracker', () => {
  it('counts connections open at the start from the first sample, new ones from birth', () => {
    const t = new FlowTracker();
    t.ingest(0, [obs(1_000_000, 500)], true);
    t.ingest(1000, [obs(1_100_000, 500), obs(300, 0, { local: { address: '10.0.0.1', port: 40001 } })], true);
    const [old, young] = t.list();
    expect(old?.history.totalOut).toBe(100_000);
    expect(young?.history.totalOut).toBe(300);
    expect(t.rates(old as never, 1000)[2].out).toBe(100_000);
  });

  it('keeps a closed connection with its final counters until 40 s after, then keeps its totals only', () => {
    const t = new FlowTracker();
    t.ingest(0, [], true);
    t.ingest(1000, [obs(5000, 0, { processes: [{ pid: 7, name: 'curl', fd: 3 }] })], true);
    // destroyed between ticks: final counters from ss -E
    t.ingest(2000, [obs(9000, 0, { closed: true })], true);
    const flow = t.list()[0];
    expect(flow?.state).toBe('CLOSED');
    expect(flow?.history.totalOut).toBe(9000);
    expect(flow?.processes[0]?.pid).toBe(7);
    t.ingest(43_000, [], true);
    expect(t.list()).toHaveLength(0);
    expect(t.retired()).toEqual([
      expect.objectContaining({ totalOut: 9000, processes: [{ pid: 7, name: 'curl', fd: 3 }] }),
    ]);
  });

  it('marks a socket gone from a complete table as closed, and a reused 4-tuple counts on', () => {
    const t = new FlowTracker();
    t.ingest(0, [], true);
    t.ingest(1000, [obs(1000, 0)], true);
    t.ingest(2000, [], true);
    expect(t.list()[0]?.closedMs).toBe(2000);
    t.ingest(3000, [obs(400, 0)], true);
    expect(t.list()[0]?.closedMs).toBeUndefined();
    expect(t.list()[0]?.history.totalOut).toBe(1400);
    // counters going back on an open flow: a new socket on the same ports
    t.ingest(4000, [obs(100, 0)], true);
    expect(t.list()[0]?.history.totalOut).toBe(1500);
  });

  it('expires idle captured flows after 40 s', () => {
    const t = new FlowTracker({ expireIdle: true });
    t.ingest(0, [obs(100, 0, { proto: 'udp' })], false);
    t.ingest(30_000, [obs(100, 0, { proto: 'udp' })], false);
    expect(t.list()).toHaveLength(1);
    t.ingest(41_000, [obs(100, 0, { proto: 'udp' })], false);
    expect(t.list()).toHaveLength(0);
  });
});

describe('tcpHealth', () => {
  const point = (t: number, busyMs: number, rwnd: number, sndbuf: number, segs: number, retrans = 0) => ({
    t,
    busyMs,
    rwndLimitedMs: rwnd,
    sndbufLimitedMs: sndbuf,
    dataSegsOut: segs,
    totalRetrans: retrans,
  });
  it('tells receiver, send buffer, application and network limits apart', () => {
    expect(tcpHealth([point(0, 0, 0, 0, 0), point(10_000, 9000, 6000, 0, 1000)], 10)?.limit).toBe('rwnd');
    expect(tcpHealth([point(0, 0, 0, 0, 0), point(10_000, 9000, 0, 5000, 1000)], 10)?.limit).toBe('sndbuf');
    expect(tcpHealth([point(0, 0, 0, 0, 0), point(10_000, 2000, 0, 0, 1000)], 10)?.limit).toBe('app');
    expect(tcpHealth([point(0, 0, 0, 0, 0), point(10_000, 9900, 100, 0, 1000, 20)], 10)).toMatchObject({
      limit: 'cwnd',
      retransPercent: 2,
      retransSegments: 20,
    });
    expect(tcpHealth([point(0, 0, 0, 0, 5), point(10_000, 0, 0, 0, 5)], 10)?.limit).toBe('idle');
    expect(tcpHealth([point(0, 0, 0, 0, 0)], 10)).toBeUndefined();
  });
});

const tcp = (sent: number): TcpInfo => ({
  bytesSent: sent,
  bytesAcked: sent,
  bytesReceived: 0,
  bytesRetrans: 0,
  dataSegsOut: sent / 1000,
  dataSegsIn: 0,
  totalRetrans: 0,
  busyMs: sent / 100,
  rwndLimitedMs: 0,
  sndbufLimitedMs: 0,
  appLimited: false,
  rttMs: 12.5,
});

function monitorWith(ticks: { now: number; observations: FlowObservation[]; ifaceBytes: number }[]) {
  const monitor = new NetMonitor(new FlowTracker(), 'sockets', (name) => ({
    name,
    speedBitsPerSecond: name === 'eth0' ? 100_000_000 : undefined,
    reportedSpeedBitsPerSecond: name === 'eth0' ? 100_000_000 : undefined,
    kind: name === 'lo' ? ('loopback' as const) : ('physical' as const),
    virtual: name === 'lo',
    operstate: 'up',
  }));
  for (const t of ticks) {
    const tick: NetTick = {
      now: t.now,
      time: 1_700_000_000_000 + t.now,
      observations: t.observations,
      complete: true,
      interfaces: [
        {
          name: 'eth0',
          rxBytes: 0,
          rxPackets: 0,
          rxErrors: 0,
          rxDropped: 0,
          txBytes: t.ifaceBytes,
          txPackets: 0,
          txErrors: 0,
          txDropped: 0,
        },
      ],
      notes: [],
    };
    monitor.update(tick);
  }
  return monitor.snapshot();
}

describe('rows and frames', () => {
  const p = (pid: number, name: string) => [{ pid, name, fd: 3 }];
  const snapshot = monitorWith([
    { now: 0, observations: [], ifaceBytes: 0 },
    {
      now: 10_000,
      ifaceBytes: 12_500_000 * 10 * 0.9, // 90 Mb/s for 10 s on a 100 Mb/s link
      observations: [
        obs(9_000_000, 0, { processes: p(100, 'rsync'), tcp: tcp(9_000_000) }),
        obs(1_000_000, 0, { local: { address: '10.0.0.1', port: 40001 }, processes: p(100, 'rsync') }),
        obs(500_000, 20_000, { remote: { address: '10.0.0.9', port: 22 }, processes: p(200, 'sshd') }),
        obs(0, 0, { remote: { address: '10.0.0.9', port: 23 }, processes: p(300, 'idle') }),
      ],
    },
  ]);

  it('groups by process, remote and interface, with utilisation against the link speed', () => {
    const byProcess = buildRows(snapshot, 'process', {}, '2s');
    expect(byProcess.map((r) => [r.pid, r.command, r.connections, r.totalOut])).toEqual([
      [100, 'rsync', 2, 10_000_000],
      [200, 'sshd', 1, 500_000],
    ]);
    const byRemote = buildRows(snapshot, 'remote', {}, 'total');
    expect(byRemote.map((r) => r.label)).toEqual(['10.0.0.2', '10.0.0.9']);
    const byIface = buildRows(snapshot, 'interface', {}, '2s');
    expect(byIface[0]?.utilisationPercent).toBeCloseTo(90);
    // idle connections only with --all
    expect(buildRows(snapshot, 'connection', {}, '2s')).toHaveLength(3);
    expect(buildRows(snapshot, 'connection', { all: true }, '2s')).toHaveLength(4);
  });

  it('filters by port, host, pid, protocol and text', () => {
    expect(buildRows(snapshot, 'connection', { ports: [22] }, '2s').map((r) => r.command)).toEqual(['sshd']);
    expect(buildRows(snapshot, 'connection', { hosts: ['10.0.0.2'] }, '2s')).toHaveLength(2);
    expect(buildRows(snapshot, 'connection', { pids: [200] }, '2s')).toHaveLength(1);
    expect(buildRows(snapshot, 'connection', { protos: ['udp'] }, '2s')).toHaveLength(0);
    expect(buildRows(snapshot, 'connection', { text: 'RSY' }, '2s')).toHaveLength(2);
  });

  it('keeps group peaks across ticks', () => {
    const peaks = new GroupPeaks();
    const rows = buildRows(snapshot, 'process', {}, '2s', peaks);
    expect(rows[0]?.peakOut).toBeGreaterThan(0);
    const first = rows[0] as NetRow;
    const quiet: NetRow = { ...first, rates: { ...first.rates, 2: { in: 0, out: 0 } } };
    expect(peaks.observe('process', quiet).out).toBe(first.peakOut);
  });

  it('draws a frame that fits 80x24 and narrower terminals', () => {
    const state = initialNetState();
    for (const [w, h] of [
      [80, 24],
      [60, 10],
      [132, 40],
    ] as const) {
      for (const by of ['connection', 'process', 'remote', 'interface'] as const) {
        const rows = buildRows(snapshot, by, {}, '2s');
        const frame = renderNetFrame({ ...state, by }, snapshot, rows, w, h, {
          intervalSeconds: 1,
          narrowed: '',
        });
        expect(frame.length).toBeLessThanOrEqual(h);
        for (const line of frame) expect(line.length, line).toBeLessThanOrEqual(w);
      }
    }
    const frame = renderNetFrame(state, snapshot, buildRows(snapshot, 'connection', {}, '2s'), 80, 24, {
      intervalSeconds: 1,
      narrowed: '',
    });
    expect(frame[1]).toContain('eth0 in 0 b/s out 90.0 Mb/s (90.0% of 100.0 Mb/s)');
    // at 80 columns LOCAL narrows to its port rather than going
    expect(frame.find((l) => l.includes('rsync'))).toMatch(/rsync\s+:40000 10\.0\.0\.2:443/);
    expect(frame.find((l) => /^\s*PID PROCESS/.test(l))).toMatch(/^\s*PID PROCESS LOCAL\s+REMOTE\s+IN 2s/);
  });
});

describe('handleNetKey', () => {
  const key = (char: string): Key => ({ kind: 'char', char });
  it('groups, sorts, filters, toggles and quits', () => {
    let s = initialNetState();
    s = handleNetKey(s, key('p'), 10).state;
    expect(s.by).toBe('process');
    s = handleNetKey(s, key('3'), 10).state;
    expect(s.sort).toBe('40s');
    s = handleNetKey(s, key('/'), 10).state;
    for (const c of 'ssh') s = handleNetKey(s, key(c), 10).state;
    s = handleNetKey(s, { kind: 'enter' }, 10).state;
    expect(s.filter).toBe('ssh');
    expect(s.prompt).toBeUndefined();
    s = handleNetKey(s, key('b'), 10).state;
    expect(s.bytes).toBe(true);
    s = handleNetKey(s, { kind: 'pageDown' }, 10).state;
    expect(s.scroll).toBe(10);
    expect(handleNetKey(s, key('q'), 10).effect).toEqual({ kind: 'quit' });
    expect(handleNetKey(s, { kind: 'interrupt' }, 10).effect).toEqual({ kind: 'quit' });
  });

  it('Ctrl-U clears the filter prompt, Ctrl-W deletes its last word', () => {
    let s = { ...initialNetState(), filter: 'ssh 10.0.0.2' };
    s = handleNetKey(s, key('/'), 10).state;
    expect(s.prompt).toBe('ssh 10.0.0.2');
    expect(handleNetKey(s, { kind: 'deleteWord' }, 10).state.prompt).toBe('ssh ');
    s = handleNetKey(s, { kind: 'clearLine' }, 10).state;
    expect(s.prompt).toBe('');
    expect(handleNetKey(s, { kind: 'enter' }, 10).state.filter).toBe('');
  });
});
