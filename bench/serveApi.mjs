#!/usr/bin/env node
// Dashboard API latency of `hog serve` over 24 h of recorded data (issue 13). Target: p99 under 50 ms.
//
// History: bench/serve/history.mjs writes 24 h at serve's default density (a tick every 5 s: host
// memory, the top processes, every mount, every interface, connections) through serve's own store
// writer into a fresh database; then `hog serve --db` that file answers on loopback.
// Measured, in the same run:
//   - what the user waits for: each page of the dashboard, its API requests as the page makes them
//     (src/serve/web/pages/*.ts), from the first request to the last byte, one user, LOADS times each:
//     median and p99;
//   - every API route with autocannon for DURATION_S each, at 1 connection (a dashboard open: its
//     requests come one after another per route; p99 is the server's own time) and at CONNECTIONS
//     (10: several dashboards and scrapers at once; the server answers one request at a time, so the
//     latency then includes the queue): p50, p99, requests per second. The target is judged on the
//     dashboard's routes (/api/v1/*) at 1 connection; the figures at 10 stand beside it.
//   node bench/serveApi.mjs        (LOADS=200 DURATION_S=10 CONNECTIONS=10)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackages, formatResults, machineLine, stats, writeSection } from './lib.mjs';
import { writeHistory } from './serve/history.mjs';
import { freePort, get, killStarted, own, startServe } from './serve/serveProcess.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const { version: autocannonVersion } = require('autocannon/package.json');
const LOADS = Number(process.env.LOADS ?? 200);
const DURATION_S = Number(process.env.DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const TARGET_MS = 50;
const DAY_MS = 24 * 3600 * 1000;
const dir = mkdtempSync(join(tmpdir(), `hog-serve-api-${process.pid}-`));
const db = join(dir, 'serve.db');

/**
 * One page load as the dashboard makes it (src/serve/web/pages/*.ts): `steps` run one after the other,
 * the requests of a step all at once; ms until the last body is read.
 */
async function loadPage(url, steps) {
  const start = process.hrtime.bigint();
  for (const paths of steps) {
    await Promise.all(
      paths.map(async (path) => {
        const response = await fetch(`${url}${path}`);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
      }),
    );
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function cannon(url, connections) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: DURATION_S, timeout: 10 }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

try {
  const now = Date.now();
  console.error('serve api: writing 24 h of history');
  const written = await writeHistory(db, { from: now - DAY_MS, to: now });
  console.error(`serve api: ${JSON.stringify(written)}; ${(statSync(db).size / 1048576).toFixed(1)} MiB`);
  // a long interval: the recorder adds nothing during the measurement, the data stays the 24 h written
  const serve = await startServe(['--db', db, '--interval', '1h']);
  // the dashboard's pages and their requests (serveweb's pages/*.ts; series default to the last 24 h)
  const pid = written.biggestPid;
  const pageSteps = [
    [
      'overview',
      [
        [
          '/api/v1/host',
          '/api/v1/processes',
          '/api/v1/findings',
          '/api/v1/host/series?metric=available',
          '/api/v1/host/series?metric=swap_used',
          '/api/v1/host/series?metric=pressure_some',
        ],
      ],
    ],
    [
      'process page (24 h series, then the list)',
      [[`/api/v1/processes/${pid}/series`], ['/api/v1/processes']],
    ],
    ['disks page', [['/api/v1/disks']]],
    ['network page', [['/api/v1/net']]],
  ];
  for (let i = 0; i < 5; i++) for (const [, steps] of pageSteps) await loadPage(serve.url, steps); // warm-up
  const pages = {};
  for (const [name, steps] of pageSteps) {
    const times = [];
    for (let i = 0; i < LOADS; i++) times.push(await loadPage(serve.url, steps));
    const sorted = [...times].sort((a, b) => a - b);
    pages[name] = {
      ...stats(times),
      p99: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))],
    };
    console.error(
      `${name}: median ${pages[name].median.toFixed(1)} ms, p99 ${pages[name].p99.toFixed(1)} ms`,
    );
  }
  const routes = [
    '/api/v1/host',
    '/api/v1/processes',
    '/api/v1/findings',
    '/api/v1/host/series?metric=available',
    `/api/v1/processes/${pid}/series`,
    '/api/v1/disks',
    '/api/v1/net',
    '/metrics',
  ];
  // the peer for /metrics: node_exporter's own /metrics in the same run (it has no dashboard API)
  ensureDebianPackages(['prometheus-node-exporter']);
  const nodePort = await freePort();
  own('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nodePort}`], { stdio: 'ignore' });
  const nodeUrl = `http://127.0.0.1:${nodePort}/metrics`;
  for (let i = 0; i < 100 && (await get(nodeUrl)) !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  const loaded = [];
  for (const path of [...routes, 'node_exporter']) {
    const url = path === 'node_exporter' ? nodeUrl : `${serve.url}${path}`;
    const single = await cannon(url, 1);
    const result = await cannon(url, CONNECTIONS);
    loaded.push({ path, single, result });
    console.error(
      `${path}: p99 ${single.latency.p99} ms at 1 connection, ${result.latency.p99} ms at ${CONNECTIONS}, ${result.requests.average} req/s`,
    );
  }
  const short = (path) =>
    path === 'node_exporter'
      ? 'peer: node_exporter /metrics (Debian, default collectors)'
      : path.includes('series')
        ? `${path} (24 h)`
        : path;
  const dashboard = loaded.filter((l) => l.path.startsWith('/api/v1/'));
  const worst = Math.max(...dashboard.map((l) => l.single.latency.p99));
  const worstPath = dashboard.find((l) => l.single.latency.p99 === worst)?.path;
  const worstLoaded = Math.max(...dashboard.map((l) => l.result.latency.p99));
  const errors = loaded.reduce(
    (a, l) => a + [l.single, l.result].reduce((b, r) => b + r.non2xx + r.errors + r.timeouts, 0),
    0,
  );
  const ms = (x) => `${x.toFixed(1)} ms`;
  const lines = [
    `${new Date().toISOString().slice(0, 10)}, ${machineLine()}; other developers' tests may have run at the same time.`,
    `History: 24 h at a 5 s interval written through serve's store (${written.ticks} ticks, ${written.processes} processes, ${written.processRows} process samples, ${written.mounts} mounts, ${written.interfaces} interfaces), ${(statSync(db).size / 1048576).toFixed(1)} MiB. Loopback, Node's fetch as the browser.`,
    '',
    "What the user waits for: a page of the dashboard, its requests as the page makes them (at once, or the process page's two steps), one user, from the first request to the last byte:",
    '',
    '| page | median | p99 | max | loads |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(pages).map(
      ([name, s]) => `| ${name} | ${ms(s.median)} | ${ms(s.p99)} | ${ms(s.max)} | ${s.n} |`,
    ),
    '',
    `Each route with autocannon ${autocannonVersion}, ${DURATION_S} s at 1 connection, then ${DURATION_S} s at ${CONNECTIONS}:`,
    '',
    `| route | p50 at 1 | p99 at 1 | p50 at ${CONNECTIONS} | p99 at ${CONNECTIONS} | requests/s at ${CONNECTIONS} |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...loaded.map(
      ({ path, single, result }) =>
        `| ${short(path)} | ${single.latency.p50} ms | ${single.latency.p99} ms | ${result.latency.p50} ms | ${result.latency.p99} ms | ${Math.round(result.requests.average)} |`,
    ),
    '',
    `Target: dashboard API p99 under ${TARGET_MS} ms at 1 connection: ${worst < TARGET_MS ? 'met' : 'NOT met'} (slowest ${worstPath}: ${worst} ms); at ${CONNECTIONS} connections the slowest route's p99 is ${worstLoaded} ms (queueing: one request at a time). ${errors} errors or non-2xx.`,
  ];
  writeSection('issue13-serve-api', ['### Dashboard API over 24 h of history', '', ...lines].join('\n'));
  formatResults();
  console.log(lines.join('\n'));
} finally {
  killStarted();
  rmSync(dir, { recursive: true, force: true });
}
