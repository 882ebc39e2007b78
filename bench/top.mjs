#!/usr/bin/env node
// Benchmark for issue 16: the steady cost of a live process view at the default 2 s refresh. `hog top`
// and `top -d 2` run side by side, each interactive in its own tmux pane (120x40, as a user watches
// them), in the same rounds. After WARMUP_S (Node.js settles: its start-up garbage is collected and the
// refresh code compiled; at a 2 s refresh TurboFan is still optimising hog top's functions for one to
// two minutes, `--trace-opt`: 128 by 60 s, 146 by 120 s, 150 by 160 s, so 120 s by default) the CPU time of each process, all threads, is
// taken from /proc/PID/task/*/schedstat (nanoseconds, where /proc/PID/stat counts 10 ms ticks) over
// MEASURE_S, and its RSS at the end (VmRSS, and VmHWM: the peak).
//   node bench/top.mjs [--rounds N] [--processes N] [--baseline DIR] [--variant 'NAME=node flags'] ...
// --processes N: start sleeping processes until N run (as bench/ps.mjs does), so that runs on machines
// or at times with fewer processes compare.
// A variant runs `node FLAGS bin/hog top` (bin/hog's shell line is skipped): for trying V8 flags.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages, formatResults, machineLine, sleep, writeSection } from './lib.mjs';

const HOG = fileURLToPath(new URL('../bin/hog', import.meta.url));
const WARMUP_S = Number(process.env.WARMUP_S ?? 120);
const MEASURE_S = Number(process.env.MEASURE_S ?? 60);
const argValues = (name) => process.argv.flatMap((a, i) => (process.argv[i - 1] === name ? [a] : []));
const rounds = Number(argValues('--rounds')[0] ?? 3);
const write = !process.argv.includes('--no-write');

ensureDebianPackages(['tmux', 'procps']);
const socket = `hog-top-bench-${process.pid}`;
const tmux = (...args) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

const candidates = [
  { name: 'hog top', command: `${HOG} top` },
  { name: 'top -d 2', command: 'top -d 2' },
  // another build of hog (a checkout of an earlier commit, built): the "before" beside the "after"
  ...argValues('--baseline').map((dir) => ({ name: `hog top (${dir})`, command: `${dir}/bin/hog top` })),
  ...argValues('--variant').map((v) => {
    const name = v.slice(0, v.indexOf('='));
    const flags = v.slice(v.indexOf('=') + 1);
    // as bin/hog starts node: without the extra CA certificates it would load first (see bin/hog)
    return { name: `hog top (${name})`, command: `env -u NODE_EXTRA_CA_CERTS node ${flags} ${HOG} top` };
  }),
];

/** CPU nanoseconds of all threads of pid. */
function cpuNanoseconds(pid) {
  let sum = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      sum += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return sum;
}

function memoryKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

const count = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
const sleepers = [];
const wanted = Number(argValues('--processes')[0] ?? 0);
while (count() < wanted) sleepers.push(spawn('sleep', ['3600'], { stdio: 'ignore' }));
const processes = count();
const machine = machineLine();
const figures = new Map(candidates.map((c) => [c.name, []]));
try {
  for (let round = 1; round <= rounds; round++) {
    const panes = candidates.map((c, i) => {
      if (i === 1) tmux('set-option', '-g', 'remain-on-exit', 'on'); // the server runs from the first
      const session = `s${i}`;
      // exec: the pane's process is the viewer itself (bin/hog execs node in turn)
      tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `exec ${c.command}`);
      const pid = Number(tmux('display-message', '-p', '-t', session, '#{pane_pid}').stdout.trim());
      if (!(pid > 0)) throw new Error(`${c.name}: no tmux pane (${c.command})`);
      return { ...c, session, pid };
    });
    await sleep(WARMUP_S * 1000);
    const before = panes.map((p) => {
      try {
        return cpuNanoseconds(p.pid);
      } catch {
        return Number.NaN; // ended during the warm-up: reported below
      }
    });
    await sleep(MEASURE_S * 1000);
    panes.forEach((p, i) => {
      try {
        const cpu = (cpuNanoseconds(p.pid) - before[i]) / 1e9;
        if (Number.isNaN(cpu)) throw Object.assign(new Error('ended'), { code: 'ENOENT' });
        figures.get(p.name).push({ share: (cpu / MEASURE_S) * 100, ...memoryKiB(p.pid) });
      } catch (error) {
        // the viewer ended: say what it printed last (the pane stays, see remain-on-exit)
        const screen = tmux('capture-pane', '-p', '-t', p.session).stdout.trim();
        console.error(`${p.name} ended (${error.code}): ${screen.slice(-600)}`);
      }
    });
    for (const p of panes) tmux('kill-session', '-t', p.session);
    console.error(`round ${round}: ${JSON.stringify([...figures].map(([n, f]) => [n, f.at(-1)]))}`);
  }
} finally {
  tmux('kill-server');
  for (const s of sleepers) s.kill('SIGKILL');
}
const loadAtEnd = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const topShare = median(figures.get('top -d 2').map((f) => f.share));
const lines = [...figures].map(([name, f]) => {
  if (f.length === 0) return `| ${name} | ended early | | | | |`;
  const share = median(f.map((x) => x.share));
  return `| ${name} | ${share.toFixed(3)}% | ${(share / topShare).toFixed(2)}x | ${(median(f.map((x) => x.rss)) / 1024).toFixed(1)} MiB | ${(median(f.map((x) => x.hwm)) / 1024).toFixed(1)} MiB | ${f.map((x) => x.share.toFixed(3)).join(', ')} |`;
});
const hog = figures.get('hog top');
const hogShare = median(hog.map((f) => f.share));
const hogRss = median(hog.map((f) => f.rss)) / 1024;
const md = `### hog top: steady cost at the default 2 s refresh (issue 16), ${new Date().toISOString().slice(0, 10)}

\`node bench/top.mjs --rounds ${rounds}\`: each viewer interactive in a 120x40 tmux pane, side by side;
CPU of all threads (schedstat) over ${MEASURE_S} s after ${WARMUP_S} s of warm-up, medians of ${rounds} rounds;
${processes} processes running. ${machine}, at the end ${loadAtEnd}.

| viewer | CPU, share of one core | vs top | RSS at the end | peak RSS | all rounds |
|---|---|---|---|---|---|
${lines.join('\n')}

- CPU <= 2x top's: ${hogShare <= 2 * topShare ? 'met' : 'NOT met'} (${(hogShare / topShare).toFixed(2)}x)
- RSS <= 40 MB: ${hogRss * 1.048576 <= 40 ? 'met' : 'NOT met'} (${(hogRss * 1.048576).toFixed(1)} MB)`;
console.log(md);
if (write) {
  writeSection('top', md);
  formatResults();
}
