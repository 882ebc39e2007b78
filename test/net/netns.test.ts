/**
 * hog net against iperf3 in two network namespaces joined by a veth pair (made here, always removed):
 * per-connection bytes and rate match iperf3's own report and land on the iperf3 process; capture mode
 * sees a UDP flow; hog net bench runs between the namespaces.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOG_BIN } from '../helpers/hog.js';
import { createNetnsPair, type NetnsPair, netnsAvailable } from '../helpers/netns.js';
import { waitFor } from '../helpers/processes.js';

interface JsonRow {
  pid: number | null;
  command: string | null;
  proto: string;
  local: string;
  remote: string;
  state: string;
  rates: Record<'2s' | '10s' | '40s', { in: number; out: number }>;
  totalIn: number;
  totalOut: number;
}
interface JsonTick {
  elapsedSeconds: number;
  mode: string;
  rows: JsonRow[];
  interfaces: { name: string; totalIn: number; totalOut: number }[];
}

/** A process whose stdout lines are collected as they come. */
function collect(child: ChildProcess): {
  lines: string[];
  stderr: () => string;
  exited: Promise<number | null>;
} {
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { lines, stderr: () => stderr, exited };
}

const ticks = (lines: string[]) =>
  lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as JsonTick);

/** A free port in namespace b: the kernel picks one for a throwaway listener. */
function freePort(pair: NetnsPair): number {
  const out = pair.execIn(pair.b, process.execPath, [
    '-e',
    "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})",
  ]);
  return Number(out.trim());
}

/** iperf3 -s for one test in namespace b, on a free port, once it listens. */
async function iperfServer(pair: NetnsPair): Promise<{ port: number; server: ChildProcess }> {
  const port = freePort(pair);
  const server = pair.spawnIn(pair.b, 'iperf3', ['-s', '-1', '-p', String(port)], { stdout: 'ignore' });
  await waitFor(
    () => pair.execIn(pair.b, 'ss', ['-tlnH', `sport = :${port}`]).includes(String(port)),
    'iperf3 -s to listen',
  );
  return { port, server };
}

describe.skipIf(!netnsAvailable())('hog net between two namespaces', () => {
  let pair: NetnsPair;
  beforeAll(() => {
    pair = createNetnsPair('n');
  });
  afterAll(() => pair?.remove());

  it('counts an iperf3 TCP transfer within 2% of its bytes and 5% of its rate, on the iperf3 process', async () => {
    const { port, server } = await iperfServer(pair);
    const hog = pair.spawnIn(pair.a, HOG_BIN, [
      'net',
      '--json',
      '-i',
      '0.5',
      '--port',
      String(port),
      '-s',
      '20',
    ]);
    const hogOut = collect(hog);
    try {
      await waitFor(() => ticks(hogOut.lines).length > 0, 'the first hog net tick');
      // a paced transfer: a steady rate to compare windows with
      const client = pair.spawnIn(pair.a, 'iperf3', [
        '-c',
        pair.addressB,
        '-p',
        String(port),
        '-t',
        '4',
        '-b',
        '300M',
        '-J',
      ]);
      const clientOut = collect(client);
      expect(await clientOut.exited, clientOut.stderr()).toBe(0);
      const report = JSON.parse(clientOut.lines.join('\n')) as {
        end: { sum_sent: { bytes: number; bits_per_second: number } };
        start: { connected: { local_port: number }[] };
      };
      const dataPort = report.start.connected[0]?.local_port as number;
      const sent = report.end.sum_sent.bytes;
      const key = `${pair.addressA}:${dataPort}`;
      // wait for the tick that saw the socket close (ss -E gives its final counters)
      const last = await waitFor(() => {
        const row = ticks(hogOut.lines)
          .flatMap((t) => t.rows)
          .filter((r) => r.local === key)
          .at(-1);
        return row?.state === 'CLOSED' ? row : undefined;
      }, 'hog to see the data connection close');
      expect(last.pid).toBe(client.pid);
      expect(last.command).toBe('iperf3');
      expect(last.remote).toBe(`${pair.addressB}:${port}`);
      expect(Math.abs(last.totalOut - sent) / sent, `hog ${last.totalOut} B, iperf3 ${sent} B`).toBeLessThan(
        0.02,
      );
      // the 2 s rate in the middle of the transfer, against iperf3's average rate
      const rateBytes = report.end.sum_sent.bits_per_second / 8;
      const mid = ticks(hogOut.lines)
        .map((t) => t.rows.find((r) => r.local === key && r.state === 'ESTAB'))
        .filter((r): r is JsonRow => r !== undefined)
        .filter((r) => r.totalOut > rateBytes * 2.2 && r.totalOut < sent - rateBytes * 0.5);
      expect(mid.length, 'ticks in the steady part of the transfer').toBeGreaterThan(0);
      // iperf3 paces in bursts and catches up after a stall (this machine is shared): the mean of
      // the 2 s windows across the steady part against iperf3's own average
      const mean = mid.reduce((sum, r) => sum + r.rates['2s'].out, 0) / mid.length;
      expect(
        Math.abs(mean - rateBytes) / rateBytes,
        `2 s rates ${mid.map((r) => r.rates['2s'].out).join(', ')} vs ${rateBytes}`,
      ).toBeLessThan(0.05);
    } finally {
      hog.kill('SIGINT');
      server.kill();
      await hogOut.exited;
    }
  });

  it.skipIf(!existsSync(`${process.cwd()}/dist/native/hog_pcap.node`))(
    'capture mode sees an iperf3 UDP flow, counted in IP packet bytes, on the iperf3 process',
    async () => {
      const { port, server } = await iperfServer(pair);
      const hog = pair.spawnIn(pair.a, HOG_BIN, [
        'net',
        '--capture',
        pair.vethA,
        '--json',
        '-i',
        '0.5',
        '--proto',
        'udp',
        '-s',
        '20',
      ]);
      const hogOut = collect(hog);
      try {
        await waitFor(
          () => ticks(hogOut.lines).length > 0 || hogOut.stderr() !== '',
          'the first hog net tick',
        );
        expect(hogOut.stderr()).toBe('');
        expect(ticks(hogOut.lines)[0]?.mode).toBe('capture');
        const client = pair.spawnIn(pair.a, 'iperf3', [
          '-u',
          '-c',
          pair.addressB,
          '-p',
          String(port),
          '-t',
          '2',
          '-b',
          '20M',
          '-l',
          '1000',
          '-J',
        ]);
        const clientOut = collect(client);
        expect(await clientOut.exited, clientOut.stderr()).toBe(0);
        const report = JSON.parse(clientOut.lines.join('\n')) as {
          end: { sum: { bytes: number; packets: number } };
          start: { connected: { local_port: number }[] };
        };
        const udpPort = report.start.connected[0]?.local_port as number;
        const { bytes, packets } = report.end.sum;
        // each datagram on the wire: payload + 8 (UDP header) + 20 (IPv4 header)
        const ipBytes = bytes + packets * 28;
        const row = await waitFor(() => {
          const r = ticks(hogOut.lines)
            .flatMap((t) => t.rows)
            .filter((x) => x.proto === 'udp' && x.local === `${pair.addressA}:${udpPort}`)
            .at(-1);
          return r && r.totalOut >= ipBytes ? r : undefined;
        }, 'hog to count the UDP datagrams');
        expect(row.remote).toBe(`${pair.addressB}:${port}`);
        expect(
          Math.abs(row.totalOut - ipBytes) / ipBytes,
          `hog ${row.totalOut} B, iperf3 ${ipBytes} B`,
        ).toBeLessThan(0.02);
        expect(row.command).toBe('iperf3');
        expect(row.pid).toBe(client.pid);
      } finally {
        hog.kill('SIGINT');
        server.kill();
        await hogOut.exited;
      }
    },
  );

  it('hog net bench moves data from one namespace to the other and reports both sides', async () => {
    // beyond loopback the server needs --bind, and then a token
    const token = 'netns-bench-token-0123456789';
    const server = pair.spawnIn(pair.b, HOG_BIN, [
      'net',
      'bench',
      '--server',
      '--port',
      '0',
      '--one-off',
      '--bind',
      pair.addressB,
      '--token',
      token,
    ]);
    const serverOut = collect(server);
    try {
      const port = await waitFor(() => {
        const m = /listening on \S+ port (\d+)/.exec(serverOut.lines.join('\n'));
        return m ? Number(m[1]) : undefined;
      }, 'the bench server to listen');
      const client = pair.spawnIn(pair.a, HOG_BIN, [
        'net',
        'bench',
        `${pair.addressB}:${port}`,
        '-t',
        '2',
        '-P',
        '2',
        '--token',
        token,
        '--json',
      ]);
      const clientOut = collect(client);
      expect(await clientOut.exited, clientOut.stderr()).toBe(0);
      const result = JSON.parse(clientOut.lines.join('\n')) as {
        sender: {
          bytes: number;
          seconds: number;
          intervals: { bytes: number; retransmits?: number }[];
          streams: unknown[];
        };
        receiver: { bytes: number; intervals: unknown[] };
      };
      expect(result.sender.streams).toHaveLength(2);
      expect(result.sender.bytes).toBeGreaterThan(1024 * 1024);
      expect(result.sender.intervals.length).toBe(2);
      expect(result.sender.intervals.every((i) => typeof i.retransmits === 'number')).toBe(true);
      // everything sent arrived: the receiver read the same bytes
      expect(result.receiver.bytes).toBe(result.sender.bytes);
      expect(await serverOut.exited).toBe(0);
    } finally {
      server.kill();
    }
  });

  it('hog doctor names the saturated link and the iperf3 process taking it', async () => {
    // veth's 10 Gb/s is nominal, not a limit: present it as a 1 Gb/s NIC (a `device` entry, as
    // a physical device has) through a sysfs tree of our own
    const sys = mkdtempSync(join(tmpdir(), 'hog6-sys-'));
    try {
      mkdirSync(join(sys, 'class/net', pair.vethA, 'device'), { recursive: true });
      writeFileSync(join(sys, 'class/net', pair.vethA, 'speed'), '1000\n');
      writeFileSync(join(sys, 'class/net', pair.vethA, 'operstate'), 'up\n');
      const { port, server } = await iperfServer(pair);
      const client = pair.spawnIn(
        pair.a,
        'iperf3',
        ['-c', pair.addressB, '-p', String(port), '-t', '6', '-b', '850M'],
        { stdout: 'ignore' },
      );
      try {
        // let the rate settle, then look for 2 s
        await new Promise((r) => setTimeout(r, 1500));
        const doctor = collect(
          pair.spawnIn(pair.a, HOG_BIN, ['--sys-root', sys, 'doctor', '--only', 'network', '--json']),
        );
        const code = await doctor.exited;
        const report = JSON.parse(doctor.lines.join('\n')) as {
          status: string;
          findings: { check: string; severity: string; title: string; subjects?: { pid: number }[] }[];
        };
        const link = report.findings.find((f) => f.check === 'network.link-utilisation');
        expect(link?.severity, link?.title).toMatch(/^(warning|critical)$/);
        expect(link?.title).toMatch(
          new RegExp(`^${pair.vethA} is saturated: \\d+% of its 1\\.0 Gb/s link \\(out\\)$`),
        );
        const talker = report.findings.find((f) => f.check === 'network.top-talker');
        expect(talker?.severity).toBe('warning');
        expect(talker?.subjects).toEqual([{ pid: client.pid, name: 'iperf3' }]);
        expect(code).toBe(report.status === 'CRITICAL' ? 2 : 1);
      } finally {
        client.kill();
        server.kill();
      }
    } finally {
      rmSync(sys, { recursive: true, force: true });
    }
  });
});
