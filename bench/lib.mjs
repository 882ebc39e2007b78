// Shared by the benchmarks: timing whole commands, peak RSS through GNU time, statistics, and writing
// a dated section of bench/RESULTS.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { aptInstall, missingDebianPackages } from '../scripts/debianPackages.mjs';

/** Install Debian packages the benchmark needs (the bench, not the tests, needs them). */
export function ensureDebianPackages(packages) {
  const missing = missingDebianPackages(packages);
  if (missing.length === 0) return;
  if (process.getuid() !== 0) throw new Error(`bench needs: apt-get install ${missing.join(' ')}`);
  if (!aptInstall(missing)) throw new Error(`apt-get install ${missing.join(' ')} failed`);
}

/** Wall time of one run of a command, in ms; throws if it fails. */
export function timeOnce(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
    ...options,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, stdout: r.stdout.toString() };
}

/** Peak resident memory of a command in KiB, from GNU time's %M. */
export function peakRssKiB(command, args, options = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...options,
  });
  const lines = r.stderr.toString().trim().split('\n');
  return Number(lines[lines.length - 1]);
}

export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
  const median =
    sorted.length % 2
      ? sorted[(sorted.length - 1) / 2]
      : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return { median, mean, sd, min: sorted[0], max: sorted[sorted.length - 1], n: values.length };
}

/** Interleave the candidates round by round (shuffled each round), so load changes hit all alike. */
export function interleaved(candidates, rounds, warmup = 2) {
  const times = new Map(candidates.map((c) => [c.name, []]));
  for (let round = -warmup; round < rounds; round++) {
    const order = [...candidates].sort(() => Math.random() - 0.5);
    for (const c of order) {
      const { ms } = timeOnce(c.command, c.args, c.options);
      if (round >= 0) times.get(c.name).push(ms);
    }
  }
  return new Map([...times].map(([name, values]) => [name, stats(values)]));
}

/** Replace (or append) the section between <!-- bench:ID --> markers in bench/RESULTS.md. */
export function writeSection(id, markdown) {
  const file = new URL('./RESULTS.md', import.meta.url);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const begin = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const re = new RegExp(`${begin}[\\s\\S]*?${end}`);
  writeFileSync(file, re.test(text) ? text.replace(re, block) : `${text.trimEnd()}\n\n${block}\n`);
}

export function machineLine() {
  const cpus = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? 'unknown CPU';
  const cores = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)?.length ?? 0;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return `${cores} × ${cpus}, Node ${process.version}, load average at start ${load}`;
}

/** utime + stime of one process (all its threads), in seconds, from /proc/PID/stat (USER_HZ = 100). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Align RESULTS.md's tables with the repository's formatter, so `npm run lint` stays clean. */
export function formatResults() {
  const biome = new URL('../node_modules/.bin/biome', import.meta.url).pathname;
  spawnSync(biome, ['format', '--write', new URL('./RESULTS.md', import.meta.url).pathname], {
    stdio: 'ignore',
  });
}
