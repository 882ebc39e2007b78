/**
 * The collector against the real machine: host memory as /proc/meminfo says, a watched process that
 * holds a known 64 MiB with its identity (PID + start ticks), the root filesystem as statfs says,
 * loopback rates at least the bytes this test sent over it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, statfsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { ServeCollector } from '../../src/serve/collector.js';
import { topPids } from '../../src/serve/processPick.js';

const MiB = 1024 * 1024;
let child: ChildProcess;

beforeAll(async () => {
  // holds 64 MiB of touched memory, then idles until killed
  child = spawn(
    process.execPath,
    [
      '-e',
      'globalThis.b = Buffer.alloc(64 * 1024 * 1024, 1); console.log("ready"); setInterval(() => {}, 1000)',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
});
afterAll(() => {
  child.kill('SIGKILL');
});

function meminfo(field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'));
  return Number(match?.[1]) * 1024;
}

describe('the serve collector on this machine', () => {
  it('reads host memory, a watched process, the root filesystem', () => {
    const clock = manualClock(Date.UTC(2030, 0, 1));
    const collector = new ServeCollector({
      procRoot: '/proc',
      sysRoot: '/sys',
      clock,
      top: 1,
      watch: [child.pid as number],
      connections: 0,
    });
    const host = collector.host();
    expect(host.totalBytes).toBe(meminfo('MemTotal'));
    expect(host.swapTotalBytes).toBe(meminfo('SwapTotal'));

    const processes = collector.processes();
    // the largest process, then the watched one (unless it is the largest)
    expect(processes.length).toBeLessThanOrEqual(2);
    const mine = processes.find((p) => p.pid === child.pid);
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    expect(mine?.startTicks).toBe(startTicks);
    expect(mine?.name).toBe('node');
    expect(mine?.isNode).toBe(true);
    expect(mine?.rssBytes).toBeGreaterThan(64 * MiB);
    expect(mine?.rssBytes).toBeLessThan(64 * MiB + 96 * MiB); // node itself: ~40-60 MiB

    const root = collector.mounts().find((m) => m.mountpoint === '/');
    const s = statfsSync('/');
    expect(root?.sizeBytes).toBe(s.blocks * s.bsize);
    expect(root?.inodesTotal).toBe(s.files);
  });

  it('rates loopback traffic from the counters between two ticks', async () => {
    const clock = manualClock(Date.UTC(2030, 0, 1));
    const collector = new ServeCollector({
      procRoot: '/proc',
      sysRoot: '/sys',
      clock,
      top: 1,
      watch: [],
      connections: 0,
    });
    collector.interfaces();
    const sent = 4 * MiB;
    const server = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(Buffer.alloc(sent)));
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    server.close();
    clock.advance(1000); // one second by the clock: the rate is the bytes counted in it
    const lo = collector.interfaces().find((i) => i.name === 'lo');
    // other programs may use loopback too: at least what this test sent
    expect(lo?.rxBytesPerSecond).toBeGreaterThanOrEqual(sent);
    expect(lo?.txBytesPerSecond).toBeGreaterThanOrEqual(sent);
  });

  it('picks the top N by RSS, ties by PID, then the watched PIDs', () => {
    const ranked = [
      { pid: 5, rss: 10 },
      { pid: 3, rss: 30 },
      { pid: 4, rss: 30 },
      { pid: 9, rss: 1 },
    ];
    expect(topPids(ranked, 2, [9, 3])).toEqual([3, 4, 9]);
  });
});
