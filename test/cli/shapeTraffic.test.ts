/**
 * hog shape measured with iperf3 between two network namespaces (made here, always removed): a 10mbit
 * cap holds one port to 8-10.5 Mbit/s while another port runs free; on a 20mbit link a high-priority
 * flow keeps 80% against a low one, which takes the idle bandwidth once high stops; an ingress cap
 * through ifb; and hog shape list's counters against what iperf3 sent.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, skipWithout } from '../helpers/capabilities.js';
import { HOG_BIN } from '../helpers/hog.js';
import { createNetnsPair, type NetnsPair, netnsAvailable } from '../helpers/netns.js';
import { waitFor } from '../helpers/processes.js';

let pair: NetnsPair;
const servers: ChildProcess[] = [];

interface IperfResult {
  end: {
    sum_sent: { bytes: number; bits_per_second: number };
    sum_received: { bytes: number; bits_per_second: number };
  };
  intervals: { sum: { start: number; end: number; bits_per_second: number } }[];
}

function hog(args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', pair.a, HOG_BIN, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
}

/** iperf3 -s in namespace b for one test, once it listens. */
async function server(port: number): Promise<void> {
  servers.push(pair.spawnIn(pair.b, 'iperf3', ['-s', '-1', '-p', String(port)], { stdout: 'ignore' }));
  await waitFor(
    () => pair.execIn(pair.b, 'ss', ['-tlnH', `sport = :${port}`]).includes(String(port)),
    `iperf3 -s on ${port}`,
  );
}

/** iperf3 -c from namespace a to b; its JSON report. */
function client(port: number, args: string[]): Promise<IperfResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ip',
      ['netns', 'exec', pair.a, 'iperf3', '-c', pair.addressB, '-p', String(port), '-J', ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out) as IperfResult);
      } catch {
        reject(new Error(`iperf3 exited ${code}: ${out.slice(0, 500)}`));
      }
    });
  });
}

const mbit = (bits: number) => bits / 1e6;

describe.skipIf(!netnsAvailable() || skipWithout('iperf3 through hog shape', () => hasCommand('iperf3')))(
  'hog shape measured with iperf3',
  () => {
    beforeAll(() => {
      pair = createNetnsPair('t');
    });
    afterAll(() => pair?.remove());
    afterEach(() => {
      for (const s of servers.splice(0)) s.kill('SIGKILL');
      hog(['shape', 'clear']);
    });

    it('caps one port at 10mbit while another port is not capped', async () => {
      hog(['shape', 'add', '--dev', pair.vethA, '--port', '5301', '--rate', '10mbit']);
      await server(5301);
      await server(5302);
      const [capped, free] = await Promise.all([
        client(5301, ['-t', '4']),
        client(5302, ['-t', '4', '-b', '200M']),
      ]);
      const cappedRate = mbit(capped.end.sum_received.bits_per_second);
      expect(cappedRate, `capped port: ${cappedRate} Mbit/s`).toBeGreaterThanOrEqual(8);
      expect(cappedRate).toBeLessThanOrEqual(10.5);
      expect(mbit(free.end.sum_received.bits_per_second), 'the other port').toBeGreaterThan(50);
    });

    it('on a 20mbit link high keeps 80% while low competes, and low takes the idle bandwidth after', async () => {
      hog(['shape', 'link', '--dev', pair.vethA, '--rate', '20mbit']);
      hog(['shape', 'add', '--dev', pair.vethA, '--port', '5303', '--prio', 'high']);
      hog(['shape', 'add', '--dev', pair.vethA, '--port', '5304', '--prio', 'low']);
      await server(5303);
      await server(5304);
      const [high, low] = await Promise.all([client(5303, ['-t', '4']), client(5304, ['-t', '9'])]);
      const highRate = mbit(high.end.sum_received.bits_per_second);
      expect(highRate, `high: ${highRate} Mbit/s`).toBeGreaterThanOrEqual(16);
      expect(highRate).toBeLessThanOrEqual(20.5);
      // low's seconds 6 to 9: high has stopped (it ran 4 s, plus its start)
      const after = low.intervals.filter((i) => i.sum.start >= 6);
      const lowAfter = mbit(after.reduce((s, i) => s + i.sum.bits_per_second, 0) / after.length);
      expect(lowAfter, `low alone: ${lowAfter} Mbit/s`).toBeGreaterThanOrEqual(16);
      expect(lowAfter).toBeLessThanOrEqual(21);
    });

    it('caps incoming traffic through the ifb device', async () => {
      hog(['shape', 'add', '--dev', pair.vethA, '--port', '5305', '--rate', '10mbit', '--ingress']);
      await server(5305);
      const received = await client(5305, ['-t', '4', '-R']);
      const rate = mbit(received.end.sum_received.bits_per_second);
      expect(rate, `ingress: ${rate} Mbit/s`).toBeGreaterThanOrEqual(8);
      expect(rate).toBeLessThanOrEqual(10.5);
      const ifb = execFileSync('ip', ['-n', pair.a, '-br', 'link', 'show', 'type', 'ifb'], {
        encoding: 'utf8',
      });
      expect(ifb).toMatch(/^hogifb\d+ +UNKNOWN/);
      hog(['shape', 'clear', '--dev', pair.vethA]);
      expect(
        execFileSync('ip', ['-n', pair.a, '-br', 'link', 'show', 'type', 'ifb'], { encoding: 'utf8' }),
      ).toBe('');
    });

    it("list's counters are the bytes and packets that went through the class", async () => {
      // iperf3's own byte counts stop at its test end, with data still in flight (with -n, the client
      // reported 2080776 bytes sent and the server 1040592 received): a sender and a sink that move an
      // exact number of bytes, to the last one, give the known value instead
      hog(['shape', 'add', '--dev', pair.vethA, '--port', '5306', '--rate', '50mbit']);
      const sink = pair.spawnIn(pair.b, process.execPath, [
        '-e',
        "let n=0;const s=require('net').createServer(c=>{c.on('data',d=>n+=d.length);c.on('end',()=>{console.log(n);c.end();s.close()})}).listen(5306,()=>console.log('listening'))",
      ]);
      servers.push(sink);
      let said = '';
      sink.stdout?.on('data', (d: Buffer) => {
        said += d.toString();
      });
      await waitFor(() => said.includes('listening'), 'the sink to listen');
      const payload = 3_000_000;
      execFileSync(
        'ip',
        [
          'netns',
          'exec',
          pair.a,
          process.execPath,
          '-e',
          `const c=require('net').connect(5306,'${pair.addressB}',()=>c.end(Buffer.alloc(${payload},1)));c.on('data',()=>{});c.on('close',()=>{})`,
        ],
        { timeout: 30_000 },
      );
      await waitFor(() => /listening\n\d+\n/.test(said), 'the sink to count');
      expect(Number(said.split('\n')[1])).toBe(payload);
      const listing = JSON.parse(hog(['shape', 'list', '--dev', pair.vethA, '--json'])) as {
        rows: { label: string; stats: { bytes: number; packets: number; drops: number } }[];
      }[];
      const row = listing[0]?.rows.find((r) => r.label === 'port-5306');
      // data in segments of at most 1448 bytes (the MSS of a 1500 MTU with TCP timestamps), each with
      // 66 bytes of headers (TCP 32, IPv4 20, Ethernet 14); plus the handshake, the FIN and the ACKs
      // of the sink's FIN: a few packets of at most 74 bytes
      const segments = Math.ceil(payload / 1448);
      expect(row?.stats.packets).toBeGreaterThanOrEqual(segments + 2);
      expect(row?.stats.packets).toBeLessThanOrEqual(segments + 8);
      expect(row?.stats.bytes).toBeGreaterThanOrEqual(payload + segments * 66 + 2 * 66);
      expect(row?.stats.bytes).toBeLessThanOrEqual(payload + segments * 66 + 8 * 74);
      expect(row?.stats.drops).toBe(0);
    });
  },
);
