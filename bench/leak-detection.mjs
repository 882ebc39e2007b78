#!/usr/bin/env node
// Leak detection: how long after a 1 MiB/s leak starts (on a 300 MiB Node.js process with GC noise:
// 10 MiB/s of garbage collected every 3-6 s) `hog watch -i 1` first says "leaking". The process is
// watched for BASELINE_S while it does not leak (any "leaking" then is a false positive), then gets
// SIGUSR2 and starts leaking. Beside it, the non-leaking scenarios (GC sawtooth, warm-up then plateau,
// shrinking) are watched at 1 Hz for NON_LEAK_S: a "leaking" verdict for the sawtooth or the shrinking
// process at any time, or for the plateau once it has been flat for 30 s, is a false positive.
// Target: leaking within 60 s of the start of the leak, zero false leaking verdicts.
//   node bench/leak-detection.mjs [leakers=3]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatResults, machineLine, writeSection } from './lib.mjs';

const HOG = fileURLToPath(new URL('../bin/hog', import.meta.url));
const SCENARIOS = fileURLToPath(new URL('../test/fixtures/scenarios/memory.mjs', import.meta.url));
const BASELINE_S = 30;
const LEAK_LIMIT_S = 120;
const NON_LEAK_S = 120;
const leakers = Number(process.argv[2] ?? 3);
const dir = mkdtempSync(join(tmpdir(), `hog-issue3-detect-${process.pid}-`));
const env = { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072', HOG_DB: join(dir, 'hog.db') };

/** hog watch of a PID; calls onLine with each progress line and the seconds since the watch began. */
function watch(pid, seconds, onLine) {
  const started = Date.now();
  const child = spawn(HOG, ['watch', String(pid), '-i', '1', '-d', `${seconds}s`], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffer = '';
  child.stdout.on('data', (d) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) onLine(line, (Date.now() - started) / 1000);
  });
  return new Promise((resolve) => child.on('close', resolve));
}

function scenario(name, seconds) {
  const child = spawn(process.execPath, [SCENARIOS, name, String(seconds)], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return child;
}

async function leakRun() {
  const target = scenario('leak-start', BASELINE_S + LEAK_LIMIT_S + 10);
  await new Promise((resolve) =>
    target.stdout.on('data', (d) => d.toString().includes('ready') && resolve()),
  );
  let leakStart;
  let detectedAfter;
  let falseBefore = 0;
  const done = watch(target.pid, BASELINE_S + LEAK_LIMIT_S, (line) => {
    const leaking = /\bleaking\b/.test(line);
    if (leaking && leakStart === undefined) falseBefore++;
    if (leaking && leakStart !== undefined && detectedAfter === undefined) {
      detectedAfter = (Date.now() - leakStart) / 1000;
      target.kill('SIGKILL'); // found: the watch ends with the process
    }
  });
  setTimeout(() => {
    leakStart = Date.now();
    target.kill('SIGUSR2');
  }, BASELINE_S * 1000);
  await done;
  target.kill('SIGKILL');
  return { detectedAfter, falseBefore };
}

async function nonLeakRun(name, judgedFromS) {
  const target = scenario(name, NON_LEAK_S + 5);
  let falseLeaks = 0;
  let last = '';
  await watch(target.pid, NON_LEAK_S, (line, at) => {
    if (/^PID/.test(line)) last = line;
    if (/\bleaking\b/.test(line) && at >= judgedFromS) falseLeaks++;
  });
  target.kill('SIGKILL');
  return { name, falseLeaks, last: last.replace(/^PID \d+ \(node\) /, '') };
}

console.error(
  `leak detection: ${leakers} leaking process(es) and 3 non-leaking ones, about ${BASELINE_S + LEAK_LIMIT_S} s`,
);
const [leaks, ...others] = await Promise.all([
  Promise.all(Array.from({ length: leakers }, leakRun)),
  nonLeakRun('gc-sawtooth', 0),
  nonLeakRun('shrinking', 0),
  nonLeakRun('warmup-plateau', 60),
]);
rmSync(dir, { recursive: true, force: true });

const times = leaks.map((l) => l.detectedAfter);
const found = times.filter((t) => t !== undefined);
const falseCount =
  leaks.reduce((n, l) => n + l.falseBefore, 0) + others.reduce((n, o) => n + o.falseLeaks, 0);
const worst = found.length === leaks.length ? Math.max(...found) : Number.POSITIVE_INFINITY;
const lines = [
  `${new Date().toISOString().slice(0, 10)}, ${machineLine()}; ${leakers} leaking processes and the non-leaking scenarios watched at the same time.`,
  '',
  '| what | figure |',
  '| --- | --- |',
  `| time from leak start to "leaking" at 1 Hz (1 MiB/s on 300 MiB with GC noise) | ${times.map((t) => (t === undefined ? `not within ${LEAK_LIMIT_S} s` : `${t.toFixed(0)} s`)).join(', ')} |`,
  `| false "leaking" during the ${BASELINE_S} s before the leak | ${leaks.map((l) => l.falseBefore).join(', ')} |`,
  ...others.map(
    (o) => `| false "leaking" lines, ${o.name} (${NON_LEAK_S} s) | ${o.falseLeaks}; last: ${o.last} |`,
  ),
  '',
  `Target: under 60 s: ${worst < 60 ? 'met' : 'NOT met'} (slowest ${Number.isFinite(worst) ? `${worst.toFixed(0)} s` : 'not found'}); zero false leaking verdicts: ${falseCount === 0 ? 'met' : `NOT met (${falseCount})`}.`,
  'mprof has no verdict to compare with: it plots, and `mprof plot --slope` draws a least-squares line over raw memory.',
];
writeSection('issue3-leak-detection', ['### Leak detection (hog watch at 1 Hz)', '', ...lines].join('\n'));
formatResults();
console.log(lines.join('\n'));
