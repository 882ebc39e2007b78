/**
 * The JSON API's numbers from a history of known ticks: series windows and bucket averages, a process's
 * trend and verdict, a filesystem's fill rate and ETA, interface rates, /metrics names and labels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeRecorded } from '../../src/serve/verdicts.js';
import { aggregateMinutes } from '../../src/store/serveRetention.js';
import { get, type Harness, json, startHarness } from './harness.js';
import { tick } from './ticks.js';

const T0 = Date.UTC(2030, 0, 1);
const MiB = 1024 * 1024;
/** 30 minutes, one tick every 10 s. */
const TICKS = 180;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, T0);
  for (let i = 0; i < TICKS; i++) {
    const t = T0 + i * 10_000;
    // RSS +10 KiB/s (100 KiB per tick); used space +50 bytes/s; available memory alternates 4000/6000
    h.writer.writeTick(
      tick(t, {
        rss: 10 * MiB + i * 100 * 1024,
        used: 10_000 + i * 500,
        available: i % 2 ? 6000 : 4000,
        rx: 250,
      }),
    );
  }
  h.clock.advance((TICKS - 1) * 10_000);
  // as the recorder does every minute: the completed minutes averaged
  aggregateMinutes(h.api.db, h.clock.now());
  h.writer.writeVerdicts(judgeRecorded(h.api.db, h.clock.now()));
});
afterAll(() => h.close());

// biome-ignore lint/suspicious/noExplicitAny: the tests read the JSON by known field names
const fetchJson = async (path: string): Promise<any> => {
  const answer = await get(h.server.port, path);
  expect(answer.status, answer.body).toBe(200);
  return json(answer);
};

describe('the JSON API over known history', () => {
  it('/api/v1/host: the latest tick and the recording', async () => {
    const host = await fetchJson('/api/v1/host');
    expect(host.t).toBe(T0 + (TICKS - 1) * 10_000);
    expect(host.memory).toEqual({
      totalBytes: 8000,
      availableBytes: 6000,
      swapTotalBytes: 1000,
      swapFreeBytes: 600,
    });
    expect(host.pressure).toEqual({ memorySomeAvg10: 0.25, memoryFullAvg10: 0.1 });
    expect(host.load).toEqual([1, 2, 3]);
    expect((host.recording as { intervalMs: number; paused: null }).paused).toBeNull();
  });

  it('/api/v1/host/series: a window, averaged into buckets', async () => {
    const all = (await fetchJson(`/api/v1/host/series?metric=available&from=${T0}&to=${T0 + 50_000}`)) as {
      points: number[][];
    };
    expect(all).toEqual({
      metric: 'available',
      unit: 'bytes',
      points: [
        [T0, 4000],
        [T0 + 10_000, 6000],
        [T0 + 20_000, 4000],
        [T0 + 30_000, 6000],
        [T0 + 40_000, 4000],
        [T0 + 50_000, 6000],
      ],
    });
    const swap = await fetchJson(`/api/v1/host/series?metric=swap_used&from=${T0}&to=${T0}`);
    expect(swap.points).toEqual([[T0, 400]]);
    // 180 ticks into at most 1000 points: no bucketing; a 30-min window for a 20 s bucket would average pairs
    const full = (await fetchJson(`/api/v1/host/series?metric=available&from=${T0}`)) as {
      points: number[][];
    };
    expect(full.points.length).toBe(TICKS);
  });

  it('/api/v1/processes and the series: the trend and the verdict from history', async () => {
    const list = (await fetchJson('/api/v1/processes')) as {
      processes: { pid: number; rssBytes: number; verdict: { kind: string; slopeBytesPerSecond: number } }[];
    };
    expect(list.processes.map((p) => p.pid)).toEqual([100]);
    const [app] = list.processes;
    expect(app?.rssBytes).toBe(10 * MiB + (TICKS - 1) * 100 * 1024);
    expect(app?.verdict.kind).toBe('leak');
    expect(app?.verdict.slopeBytesPerSecond).toBeCloseTo(10 * 1024, 0);
    const series = (await fetchJson(`/api/v1/processes/100/series?from=${T0}`)) as {
      points: number[][];
      trend: { slopeBytesPerSecond: number; interceptBytes: number; from: number; to: number };
      verdict: { kind: string };
    };
    expect(series.points.length).toBe(TICKS);
    expect(series.points[0]).toEqual([T0, 10 * MiB]);
    expect(series.trend.slopeBytesPerSecond).toBeCloseTo(10 * 1024, 0);
    expect(series.trend.interceptBytes).toBeCloseTo(10 * MiB, -3);
    expect(series.trend.from).toBe(T0);
    expect(series.verdict.kind).toBe('leak');
    // the default window (24 h) starts at the process's first sample: 30 min of raw samples, not
    // 30 minute averages
    const whole = (await fetchJson('/api/v1/processes/100/series')) as typeof series;
    expect(whole.points.length).toBe(TICKS);
    expect(whole.trend.slopeBytesPerSecond).toBeCloseTo(10 * 1024, 0);
  });

  it('/api/v1/disks: usage, the fill rate and when it will be full', async () => {
    const disks = (await fetchJson(`/api/v1/disks?from=${T0}`)) as {
      mounts: {
        mountpoint: string;
        usedBytes: number;
        availBytes: number;
        fill: { bytesPerSecond: number; fullAt: number };
      }[];
      lastScan: null;
    };
    const [data] = disks.mounts;
    expect(data?.mountpoint).toBe('/data');
    const used = 10_000 + (TICKS - 1) * 500;
    expect(data?.usedBytes).toBe(used);
    expect(data?.availBytes).toBe(100_000 - used);
    // +500 bytes per 10 s
    expect(data?.fill.bytesPerSecond).toBeCloseTo(50, 6);
    expect(data?.fill.fullAt).toBe(Math.round(h.clock.now() + ((100_000 - used) / 50) * 1000));
    expect(disks.lastScan).toBeNull();
  });

  it('/api/v1/net: interface rates and points', async () => {
    const net = (await fetchJson(`/api/v1/net?from=${T0 + (TICKS - 2) * 10_000}`)) as {
      interfaces: {
        name: string;
        rxBytesPerSecond: number;
        speedBytesPerSecond: number;
        points: number[][];
      }[];
      connections: unknown[];
    };
    expect(net.interfaces).toEqual([
      {
        name: 'eth0',
        rxBytesPerSecond: 250,
        txBytesPerSecond: 0,
        speedBytesPerSecond: 125_000_000,
        points: [
          [T0 + (TICKS - 2) * 10_000, 250, 0],
          [T0 + (TICKS - 1) * 10_000, 250, 0],
        ],
      },
    ]);
    expect(net.connections).toEqual([]);
  });

  it('/metrics: the contract names, one series per recorded process and mount', async () => {
    const text = (await get(h.server.port, '/metrics')).body;
    const lines = text.split('\n');
    expect(lines).toContain('hog_memory_available_bytes 6000');
    expect(lines).toContain('hog_pressure_memory_some_avg10_ratio 0.25');
    expect(lines).toContain(
      `hog_process_resident_memory_bytes{pid="100",name="app"} ${10 * MiB + (TICKS - 1) * 100 * 1024}`,
    );
    expect(lines).toContain('hog_process_leak{pid="100",name="app"} 1');
    expect(lines).toContain(
      'hog_filesystem_size_bytes{mountpoint="/data",device="/dev/sdb1",fstype="ext4"} 100000',
    );
    expect(lines).toContain(
      'hog_filesystem_files_free{mountpoint="/data",device="/dev/sdb1",fstype="ext4"} 900',
    );
    expect(lines).toContain('hog_network_receive_bytes_total{device="eth0"} 2500');
    expect(lines).toContain('hog_network_speed_bytes{device="eth0"} 125000000');
    expect(lines).toContain('# TYPE hog_network_receive_bytes_total counter');
    expect(lines).toContain('hog_recorder_paused 0');
    const fill = lines.find((l) => l.startsWith('hog_filesystem_fill_seconds{'));
    const used = 10_000 + (TICKS - 1) * 500;
    expect(Number(fill?.split(' ')[1])).toBeCloseTo((100_000 - used) / 50, 3);
    expect(lines.filter((l) => l.startsWith('hog_process_resident_memory_bytes{')).length).toBe(1);
    expect(text).toContain('process_resident_memory_bytes ');
  });
});
