/**
 * A real Prometheus (Debian's) scrapes a running `hog serve` every second and answers PromQL over its
 * metrics: a node child holding 64 MiB appears in hog_process_resident_memory_bytes with the RSS the
 * kernel reports for it, and the shipped alert rules (deploy/prometheus/alerts.yml) evaluate without
 * error over the real series. Prometheus runs with its own config and storage in a temp dir on a free
 * loopback port; both servers and the child are killed whatever happens.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Serve, startServe } from '../deploy/serveProcess.js';
import { stopStartedHogs } from '../helpers/hog.js';
import { type Child, spawnAllocator, statusBytes, waitFor } from '../helpers/processes.js';

const ALERTS = fileURLToPath(new URL('../../deploy/prometheus/alerts.yml', import.meta.url));
const MIB = 1024 * 1024;

function prometheusMissing(): string | undefined {
  const r = spawnSync('prometheus', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return `prometheus: ${r.error.message} (Debian package prometheus, scripts/system-deps.txt)`;
  return r.status === 0 ? undefined : `prometheus --version exited ${r.status}`;
}
const missing = prometheusMissing();
if (missing) console.warn(`skipping the Prometheus integration test: ${missing}`);

/** A loopback port nobody listens on right now (the kernel's pick, released for Prometheus). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe.skipIf(missing !== undefined)('Prometheus scraping hog serve', () => {
  const dir = mkdtempSync(join(tmpdir(), `hog-prometheus-${process.pid}-`));
  let serve: Serve | undefined;
  let allocator: Child | undefined;
  let prometheus: ChildProcess | undefined;
  let prometheusLog = '';
  let api = '';

  async function query(promql: string): Promise<Sample[]> {
    const url = `${api}/api/v1/query?query=${encodeURIComponent(promql)}`;
    const body = (await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).json()) as {
      status: string;
      data: { result: Sample[] };
      error?: string;
    };
    if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
    return body.data.result;
  }

  beforeAll(async () => {
    allocator = await spawnAllocator(64, { tag: 'hog-prometheus-test' });
    serve = await startServe(['--watch', String(allocator.pid)]);
    const port = await freePort();
    const target = new URL(serve.url).host;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${JSON.stringify(ALERTS)}`,
        'scrape_configs:',
        '  - job_name: hog',
        '    static_configs:',
        `      - targets: [${JSON.stringify(target)}]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=1h',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (d: Buffer) => {
      prometheusLog = `${prometheusLog}${d.toString()}`.slice(-20_000);
    });
    api = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        if (prometheus?.exitCode !== null) throw new Error(`prometheus exited: ${prometheusLog}`);
        return (await fetch(`${api}/-/ready`).catch(() => undefined))?.status === 200;
      },
      'Prometheus to be ready',
      30_000,
      200,
    );
  });

  afterAll(async () => {
    const exited = new Promise<void>((resolve) => {
      if (!prometheus || prometheus.exitCode !== null || prometheus.signalCode !== null) return resolve();
      prometheus.once('exit', () => resolve());
      prometheus.kill('SIGKILL');
    });
    await exited;
    await serve?.stop();
    await allocator?.stop();
    stopStartedHogs();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes the target up, under job="hog"', async () => {
    const up = await waitFor(
      async () => {
        const result = await query('up{job="hog"} == 1');
        return result.length === 1 ? result : undefined;
      },
      `a successful scrape of ${serve?.url}; prometheus log:\n${prometheusLog}`,
      30_000,
      250,
    );
    expect(up[0]?.metric.instance).toBe(new URL(serve?.url ?? '').host);
  });

  it('answers PromQL over hog_process_resident_memory_bytes: the 64 MiB child, at its RSS', async () => {
    const pid = String(allocator?.pid);
    const [sample] = await waitFor(
      async () => {
        const result = await query(`max_over_time(hog_process_resident_memory_bytes{pid="${pid}"}[30s])`);
        return result.length === 1 ? result : undefined;
      },
      `the allocator (pid ${pid}) in hog_process_resident_memory_bytes`,
      30_000,
      250,
    );
    const rss = Number(sample?.value[1]);
    // it touched every page of its 64 MiB buffer and then only waits: its RSS no longer moves
    expect(rss).toBeGreaterThanOrEqual(64 * MIB);
    expect(Math.abs(rss - statusBytes(Number(pid), 'VmRSS'))).toBeLessThan(2 * MIB);
    expect(sample?.metric).toMatchObject({ job: 'hog', pid, name: 'node' });
    // an aggregation across the recorded processes finds it too
    const [top] = await query(`topk(1, hog_process_resident_memory_bytes{pid="${pid}"}) / 1048576`);
    expect(Number(top?.value[1])).toBeGreaterThanOrEqual(64);
  });

  it('answers rate() over the recorder counter and the host memory gauges', async () => {
    const [ticks] = await waitFor(
      async () => {
        const result = await query('increase(hog_recorder_ticks_total{job="hog"}[10s])');
        return result.length === 1 && Number(result[0]?.value[1]) > 0 ? result : undefined;
      },
      'hog_recorder_ticks_total to increase',
      30_000,
      250,
    );
    expect(ticks?.metric.job).toBe('hog');
    const [total] = await query('hog_memory_total_bytes{job="hog"}');
    const memTotal = /^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
    expect(Number(total?.value[1])).toBe(Number(memTotal) * 1024);
  });

  it("evaluates every rule of alerts.yml over hog's real series without an error", async () => {
    interface Rule {
      name: string;
      health: string;
      lastError?: string;
      lastEvaluation: string;
    }
    const rules = await waitFor(
      async () => {
        const body = (await (await fetch(`${api}/api/v1/rules`)).json()) as {
          data: { groups: { rules: Rule[] }[] };
        };
        const all = body.data.groups.flatMap((g) => g.rules);
        return all.length > 0 && all.every((r) => !r.lastEvaluation.startsWith('0001')) ? all : undefined;
      },
      'one evaluation of every rule',
      30_000,
      250,
    );
    expect(rules).toHaveLength(11);
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
  });
});
