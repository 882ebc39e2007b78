#!/usr/bin/env node
// Start-up of every command (issue 16: a change for one command must not slow the others): `--help`
// of each, and each command's main path where it ends by itself within a second, whole-process wall
// time beside `node -e 0` (the floor) and, with --baseline DIR, the same commands of another build
// (a copy of bin/ and dist/ with a node_modules link) in the same interleaved rounds.
//   node bench/startup.mjs [--rounds N] [--baseline DIR] [--no-write]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages, formatResults, machineLine, stats, writeSection } from './lib.mjs';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
ensureDebianPackages(['linux-perf']);
const rounds = Number(arg('--rounds') ?? 11);
const baseline = arg('--baseline');
const write = !process.argv.includes('--no-write');
const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = `${root}test/fixtures/`;
const withoutExtraCerts = { ...process.env };
delete withoutExtraCerts.NODE_EXTRA_CA_CERTS;

const COMMANDS = ['doctor', 'top', 'ps', 'run', 'watch', 'runs', 'plot', 'profile', 'heap', 'net', 'disk'];
// the main path of each command that ends by itself (doctor exits with Nagios codes 0-3)
const MAIN = [
  ['doctor', '--only', 'memory'],
  ['top', '-b', '-n', '1'],
  ['ps', '--json', '-i', '0'],
  ['runs', '--db', '/tmp/hog-bench-startup.db'],
  ['plot', `${fixtures}mprof/attach-exited.dat`],
  ['disk', '--json', `${root}src`],
  ['disk', 'df', '--json'],
];

const runs = [...COMMANDS.map((c) => [c, '--help']), ['--help'], ...MAIN];

/**
 * Wall ms, and CPU ms of the process and its threads (perf stat's task-clock, to the microsecond:
 * less moved by other work on the machine than the wall time; GNU time's 10 ms ticks are too coarse).
 */
function timeOnce(command, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', '--', command, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: withoutExtraCerts,
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const line = r.stderr.split('\n').find((l) => l.includes(',task-clock,'));
  if (r.status === null || r.status > 3 || !line)
    throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, cpu: Number(line.split(',')[0]) };
}

const candidates = [{ name: '(floor) node -e 0', command: process.execPath, args: ['-e', '0'] }];
for (const args of runs) {
  candidates.push({ name: `hog ${args.join(' ').replace(root, '')}`, command: `${root}bin/hog`, args });
  if (baseline)
    candidates.push({
      name: `baseline: hog ${args.join(' ').replace(root, '')}`,
      command: `${baseline}/bin/hog`,
      args,
    });
}

const machine = machineLine();
const times = new Map(candidates.map((c) => [c.name, []]));
const cpus = new Map(candidates.map((c) => [c.name, []]));
for (let round = -1; round < rounds; round++) {
  for (const c of [...candidates].sort(() => Math.random() - 0.5)) {
    const { ms, cpu } = timeOnce(c.command, c.args);
    if (round >= 0) {
      times.get(c.name).push(ms);
      cpus.get(c.name).push(cpu);
    }
  }
}
const loadAtEnd = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const s = new Map([...times].map(([name, v]) => [name, stats(v)]));
const c = new Map([...cpus].map(([name, v]) => [name, stats(v)]));
const rows = [];
for (const args of runs) {
  const name = `hog ${args.join(' ').replace(root, '')}`;
  const now = s.get(name);
  const before = baseline ? s.get(`baseline: ${name}`) : undefined;
  const cpuNow = c.get(name);
  const cpuBefore = baseline ? c.get(`baseline: ${name}`) : undefined;
  const ratio = (a, b) => (b ? `${(a.median / b.median).toFixed(2)}x` : '');
  rows.push(
    `| ${name} | ${now.median.toFixed(0)} | ${now.min.toFixed(0)}–${now.max.toFixed(0)} | ${before?.median.toFixed(0) ?? ''} | ${ratio(now, before)} | ${cpuNow.median.toFixed(1)} | ${cpuBefore?.median.toFixed(1) ?? ''} | ${ratio(cpuNow, cpuBefore)} |`,
  );
}
const floor = s.get('(floor) node -e 0');
const md = `## Start-up of every command (issue 16), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

\`node bench/startup.mjs --rounds ${rounds}${baseline ? ' --baseline DIR' : ''}\`; ${machine}, at the end ${loadAtEnd}.
Whole-process wall time (each command run under perf stat) and CPU time (perf stat task-clock) in ms, ${rounds} interleaved rounds (after 1 warm-up round), medians; \`node -e 0\`: ${floor.median.toFixed(0)} ms
(${floor.min.toFixed(0)}–${floor.max.toFixed(0)}).${baseline ? ' "before": the build this branch started from, in the same rounds.' : ''}

| command | wall, median ms | min–max ms | before, median ms | after / before | CPU ms, median | before | after / before |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}`;
console.log(md);
if (write) {
  writeSection('startup', md);
  formatResults();
}
