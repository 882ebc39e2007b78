#!/usr/bin/env node
// Recorder overhead: CPU seconds the recorder itself uses per minute of recording, at 10 Hz and at
// 100 Hz, on one process with 20 children, summed (--include-children), beside memory_profiler's
// `mprof run -C` at the same interval, all four in the same run. Target: hog under 1% of one core
// (0.6 CPU s per minute) at 10 Hz, and below mprof at both rates.
//
// The steady state is measured: the recorder's own utime+stime (/proc/PID/stat, not its children's)
// between WARMUP_S and WARMUP_S + MEASURE_S, so start-up (loading Node.js or Python) is left out.
// WARMUP_S is 45 s because Node.js takes that long to settle: for ~30 s after start V8 still runs
// major collections of start-up garbage (its memory reducer) and compiles the loop's code, which
// `perf stat -e task-clock` shows as ~0.75 CPU s per minute at 10-40 s against ~0.45 after 40 s.
// That settling is reported on its own line: CPU seconds from exec to the end of the warm-up.
//   node bench/recorder-overhead.mjs [rounds=3]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, formatResults, machineLine, sleep, writeSection } from './lib.mjs';

const HOG = fileURLToPath(new URL('../bin/hog', import.meta.url));
const WARMUP_S = Number(process.env.WARMUP_S ?? 45);
const MEASURE_S = Number(process.env.MEASURE_S ?? 60);
const rounds = Number(process.argv[2] ?? 3);
const dir = mkdtempSync(join(tmpdir(), `hog-issue3-bench-${process.pid}-`));
// one parent with 20 idle children that lives past the measurement
const TARGET = ['sh', '-c', `for i in $(seq 20); do sleep ${WARMUP_S + MEASURE_S + 20} & done; wait`];

function recorder(kind, interval) {
  const args =
    kind === 'hog'
      ? [
          HOG,
          [
            'run',
            '-q',
            '--db',
            join(dir, `hog-${interval}.db`),
            '-C',
            '-i',
            String(interval),
            '--',
            ...TARGET,
          ],
        ]
      : [
          'python3-mprof',
          ['run', '-C', '-T', String(interval), '-o', join(dir, `mprof-${interval}.dat`), ...TARGET],
        ];
  const child = spawn(args[0], args[1], { stdio: 'ignore' });
  return { kind, interval, child };
}

/** The process that samples: hog's node (bin/hog execs it) or mprof's python. */
const samplerPid = (r) => r.child.pid;

const figures = [];
console.error(`recorder overhead: ${rounds} round(s) of ${MEASURE_S} s`);
for (let round = 1; round <= rounds; round++) {
  const runs = [recorder('hog', 0.1), recorder('mprof', 0.1), recorder('hog', 0.01), recorder('mprof', 0.01)];
  await sleep(WARMUP_S * 1000);
  const start = runs.map((r) => cpuSeconds(samplerPid(r)));
  await sleep(MEASURE_S * 1000);
  const end = runs.map((r) => cpuSeconds(samplerPid(r)));
  runs.forEach((r, i) => {
    const perMinute = ((end[i] - start[i]) / MEASURE_S) * 60;
    figures.push({ round, kind: r.kind, interval: r.interval, perMinute, startup: start[i] });
    console.error(`round ${round}: ${r.kind} every ${r.interval}s: ${perMinute.toFixed(3)} CPU s per minute`);
  });
  for (const r of runs) r.child.kill('SIGTERM');
  await Promise.all(
    runs.map(
      (r) =>
        new Promise((resolve) => (r.child.exitCode !== null ? resolve() : r.child.once('exit', resolve))),
    ),
  );
  // the target's sleeps are left to finish on their own (they are not ours to wait for)
}
rmSync(dir, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (interval) => {
  const hog = median(
    figures.filter((f) => f.kind === 'hog' && f.interval === interval).map((f) => f.perMinute),
  );
  const mprof = median(
    figures.filter((f) => f.kind === 'mprof' && f.interval === interval).map((f) => f.perMinute),
  );
  const startup = (kind) =>
    median(figures.filter((f) => f.kind === kind && f.interval === interval).map((f) => f.startup));
  return { hog, mprof, hogStartup: startup('hog'), mprofStartup: startup('mprof') };
};
const at10 = row(0.1);
const at100 = row(0.01);
const pct = (cpuPerMinute) => `${((cpuPerMinute / 60) * 100).toFixed(2)}%`;
const lines = [
  `${new Date().toISOString().slice(0, 10)}, ${machineLine()}; ${rounds} rounds, medians; other engineers' tests may have run at the same time.`,
  `CPU seconds used by the recorder per minute of recording one process with 20 children (summed), measured over ${MEASURE_S} s after ${WARMUP_S} s of warm-up:`,
  '',
  '| rate | hog run -C | mprof run -C | hog / mprof | hog, share of one core |',
  '| --- | --- | --- | --- | --- |',
  `| 10 Hz | ${at10.hog.toFixed(3)} s | ${at10.mprof.toFixed(3)} s | ${(at10.hog / at10.mprof).toFixed(2)} | ${pct(at10.hog)} |`,
  `| 100 Hz | ${at100.hog.toFixed(3)} s | ${at100.mprof.toFixed(3)} s | ${(at100.hog / at100.mprof).toFixed(2)} | ${pct(at100.hog)} |`,
  '',
  `Start-up and settling, CPU seconds from exec to ${WARMUP_S} s (not in the figures above): hog ${at10.hogStartup.toFixed(2)} s at 10 Hz, ${at100.hogStartup.toFixed(2)} s at 100 Hz; mprof ${at10.mprofStartup.toFixed(2)} s and ${at100.mprofStartup.toFixed(2)} s.`,
  '',
  `Target: under 1% of one core at 10 Hz: ${at10.hog / 60 < 0.01 ? 'met' : 'NOT met'}; below mprof at 10 Hz: ${at10.hog < at10.mprof ? 'met' : 'NOT met'}, at 100 Hz: ${at100.hog < at100.mprof ? 'met' : 'NOT met'}.`,
  `All rounds: ${figures.map((f) => `${f.kind}@${1 / f.interval}Hz ${f.perMinute.toFixed(2)}`).join(', ')}.`,
];
writeSection(
  'issue3-recorder-overhead',
  ['### Recorder overhead (hog run vs mprof run)', '', ...lines].join('\n'),
);
formatResults();
console.log(lines.join('\n'));
