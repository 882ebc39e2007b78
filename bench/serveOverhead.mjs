#!/usr/bin/env node
// Recorder overhead of `hog serve` (issue 13): CPU share of one core that serve uses recording at a
// 1 s interval on a machine with 500 more processes (500 `sleep`s this script spawns), beside Debian's
// prometheus-node-exporter + prometheus-process-exporter doing the same job in the same run: the
// exporters only collect when scraped, so this script scrapes them (and hog's /metrics, as Prometheus
// would) once a second. Target: the recorder under 1% of one core. hog runs twice: once scraped like
// the exporters, once not scraped at all (the recorder alone, the figure the target is about).
//
// All three run at the same time over the same window, so load from other processes hits them alike.
// CPU is utime+stime of each process (/proc/PID/stat) from WARMUP_S to WARMUP_S + MEASURE_S; start-up
// is left out (Node.js settles for ~40 s after start: see bench/recorder-overhead.mjs). The scraper's
// own CPU (this script) is not counted for anyone.
//   node bench/serveOverhead.mjs [rounds=1]     (WARMUP_S=45 MEASURE_S=120 PROCESSES=500)
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSeconds, ensureDebianPackages, formatResults, machineLine, sleep, writeSection } from './lib.mjs';
import { ended, freePort, get, killStarted, own, startServe } from './serve/serveProcess.mjs';

const WARMUP_S = Number(process.env.WARMUP_S ?? 45);
const MEASURE_S = Number(process.env.MEASURE_S ?? 120);
const PROCESSES = Number(process.env.PROCESSES ?? 500);
const rounds = Number(process.argv[2] ?? 1);
const dir = mkdtempSync(join(tmpdir(), `hog-serve-overhead-${process.pid}-`));

ensureDebianPackages(['prometheus-node-exporter', 'prometheus-process-exporter']);

/** 500 sleeping processes, each its own child of this script (killed by id at the end). */
function spawnSleepers(n, seconds) {
  const sleepers = [];
  for (let i = 0; i < n; i++) sleepers.push(own('sleep', [String(seconds)], { stdio: 'ignore' }));
  return sleepers;
}

/** Scrape a URL once a second until stopAt; the number of failed scrapes. */
async function scrapeEverySecond(url, stopAt) {
  let failed = 0;
  while (Date.now() < stopAt) {
    const next = Date.now() + 1000;
    if ((await get(url)) !== 200) failed++;
    await sleep(Math.max(0, next - Date.now()));
  }
  return failed;
}

async function round(n) {
  const total = WARMUP_S + MEASURE_S;
  const sleepers = spawnSleepers(PROCESSES, total + 60);
  const processCount = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).length;
  const serve = await startServe(['--db', join(dir, `serve-${n}.db`), '--interval', '1s']);
  // the recorder alone (the issue's target): a second serve that nobody scrapes
  const recorder = await startServe(['--db', join(dir, `recorder-${n}.db`), '--interval', '1s']);
  const nodePort = await freePort();
  // their logs (node_exporter's systemd collector fails every scrape without systemd) are not wanted
  const quiet = { stdio: 'ignore' };
  const nodeExporter = own('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nodePort}`], quiet);
  const processPort = await freePort();
  // every process, grouped by its command name: what process-exporter needs to see them all
  const config = join(dir, 'process-exporter.yml');
  writeFileSync(config, 'process_names:\n  - name: "{{.Comm}}"\n    cmdline:\n      - ".+"\n');
  const processExporter = own(
    'prometheus-process-exporter',
    ['-web.listen-address', `127.0.0.1:${processPort}`, '-config.path', config],
    quiet,
  );
  // process-exporter reads every process's smaps by default (proportional and swapped memory): the
  // same without, closer to what hog reads per process (status/statm)
  const leanPort = await freePort();
  const leanExporter = own(
    'prometheus-process-exporter',
    ['-web.listen-address', `127.0.0.1:${leanPort}`, '-config.path', config, '-gather-smaps=false'],
    quiet,
  );
  const stopAt = Date.now() + total * 1000;
  const scrapes = Promise.all([
    scrapeEverySecond(`${serve.url}/metrics`, stopAt),
    scrapeEverySecond(`http://127.0.0.1:${nodePort}/metrics`, stopAt),
    scrapeEverySecond(`http://127.0.0.1:${processPort}/metrics`, stopAt),
    scrapeEverySecond(`http://127.0.0.1:${leanPort}/metrics`, stopAt),
  ]);
  const peers = {
    recorder: recorder.child,
    hog: serve.child,
    node_exporter: nodeExporter,
    process_exporter: processExporter,
    process_exporter_lean: leanExporter,
  };
  // a process that ended during the run has no CPU figure: the benchmark says which and why
  const checkAlive = () => {
    const died = Object.entries(peers).filter(([, c]) => c.exitCode !== null || c.signalCode !== null);
    if (died.length === 0) return;
    const logs = { hog: serve.log(), recorder: recorder.log() };
    throw new Error(
      `ended during the benchmark: ${died.map(([k, c]) => `${k} (exit ${c.exitCode ?? c.signalCode}) ${logs[k] ?? ''}`).join('; ')}`,
    );
  };
  await sleep(WARMUP_S * 1000);
  checkAlive();
  const start = Object.fromEntries(Object.entries(peers).map(([k, c]) => [k, cpuSeconds(c.pid)]));
  await sleep(MEASURE_S * 1000);
  checkAlive();
  const share = Object.fromEntries(
    Object.entries(peers).map(([k, c]) => [k, (cpuSeconds(c.pid) - start[k]) / MEASURE_S]),
  );
  const failed = (await scrapes).reduce((a, b) => a + b, 0);
  const servers = [recorder.child, serve.child, nodeExporter, processExporter, leanExporter];
  for (const child of [...servers, ...sleepers]) child.kill('SIGKILL');
  await Promise.all(servers.map(ended));
  console.error(
    `round ${n}: ${Object.entries(share)
      .map(([k, v]) => `${k} ${(v * 100).toFixed(2)}%`)
      .join(', ')} of one core (${processCount} processes)`,
  );
  return { ...share, processCount, failed };
}

try {
  console.error(`serve overhead: ${rounds} round(s), ${WARMUP_S} s warm-up, ${MEASURE_S} s measured`);
  const results = [];
  for (let n = 1; n <= rounds; n++) results.push(await round(n));
  const median = (key) =>
    [...results.map((r) => r[key])].sort((a, b) => a - b)[Math.floor(results.length / 2)];
  const pct = (x) => `${(x * 100).toFixed(2)}%`;
  const hog = median('hog');
  const alone = median('recorder');
  const nodeExp = median('node_exporter');
  const procExp = median('process_exporter');
  const leanExp = median('process_exporter_lean');
  const lines = [
    `${new Date().toISOString().slice(0, 10)}, ${machineLine()}; ${rounds} round(s), medians; other developers' tests may have run at the same time.`,
    `${PROCESSES} sleeping processes added (${results[0].processCount} processes in /proc); everything scraped once a second; CPU over ${MEASURE_S} s after ${WARMUP_S} s of warm-up, as a share of one core:`,
    '',
    '| what | CPU, share of one core | CPU s per minute |',
    '| --- | --- | --- |',
    `| hog serve --interval 1s, recording into SQLite, not scraped (the recorder alone) | ${pct(alone)} | ${(alone * 60).toFixed(2)} |`,
    `| hog serve --interval 1s, recording, /metrics scraped at 1 s | ${pct(hog)} | ${(hog * 60).toFixed(2)} |`,
    `| prometheus-node-exporter (Debian, default collectors), scraped at 1 s | ${pct(nodeExp)} | ${(nodeExp * 60).toFixed(2)} |`,
    `| prometheus-process-exporter (Debian, every process by name), scraped at 1 s | ${pct(procExp)} | ${(procExp * 60).toFixed(2)} |`,
    `| prometheus-process-exporter -gather-smaps=false, scraped at 1 s | ${pct(leanExp)} | ${(leanExp * 60).toFixed(2)} |`,
    `| node_exporter + process-exporter (default) | ${pct(nodeExp + procExp)} | ${((nodeExp + procExp) * 60).toFixed(2)} |`,
    `| node_exporter + process-exporter -gather-smaps=false | ${pct(nodeExp + leanExp)} | ${((nodeExp + leanExp) * 60).toFixed(2)} |`,
    '',
    `Target: the recorder under 1% of one core: ${alone < 0.01 ? 'met' : 'NOT met'}. hog / (node_exporter + process-exporter): ${(hog / (nodeExp + procExp)).toFixed(2)} (default), ${(hog / (nodeExp + leanExp)).toFixed(2)} (without smaps). Failed scrapes: ${results.reduce((a, r) => a + r.failed, 0)}.`,
    `hog also keeps the history (SQLite) that the exporters leave to Prometheus. All rounds: ${results.map((r) => `recorder ${pct(r.recorder)} / hog scraped ${pct(r.hog)} / node ${pct(r.node_exporter)} / process ${pct(r.process_exporter)} / process without smaps ${pct(r.process_exporter_lean)}`).join(', ')}.`,
  ];
  writeSection(
    'issue13-serve-overhead',
    ['### Recorder overhead: hog serve vs node_exporter + process-exporter', '', ...lines].join('\n'),
  );
  formatResults();
  console.log(lines.join('\n'));
} finally {
  killStarted();
  rmSync(dir, { recursive: true, force: true });
}
