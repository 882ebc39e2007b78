#!/usr/bin/env node
// `node bench/heap.mjs [rounds] [--no-2g]`: hog heap summary (retained sizes for every object) against
// memlab on the same ~240 MB snapshot, in the same run, interleaved; then hog alone on a ~2 GB one.
// Wall time and peak RSS of each run come from GNU time (%e, %M) around that one run.
//
// memlab is not a dependency of hog: it is installed on demand into bench/peers/memlab (its own
// package.json pins the version), with puppeteer's browser download skipped (memlab's heap
// analysis needs no browser). The snapshots are made by bench/heap/generate-snapshot.mjs into
// bench/out/heap/ and kept there for the next run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages, formatResults, machineLine, stats, writeSection } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}bench/out/heap`;
const peer = `${root}bench/peers/memlab`;
const memlab = `${peer}/node_modules/.bin/memlab`;
const hog = `${root}bin/hog`;
const args = process.argv.slice(2);
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);
const big = !args.includes('--no-2g');

function ensureMemlab() {
  if (existsSync(memlab)) return;
  console.log('installing memlab into bench/peers/memlab (no browser download)');
  const env = { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1', PUPPETEER_SKIP_CHROMIUM_DOWNLOAD: '1' };
  const r = spawnSync('npm', ['install', '--prefix', peer, '--no-package-lock', '--no-audit', '--no-fund'], {
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0 || !existsSync(memlab)) throw new Error('npm install of memlab failed');
}

/** A snapshot of `instances` class instances and a Map of `entries`, made once and kept. */
function ensureSnapshot(name, instances, entries) {
  const file = `${out}/${name}.heapsnapshot`;
  if (existsSync(file)) return file;
  mkdirSync(out, { recursive: true });
  console.log(`generating ${file} (${instances} instances, ${entries} Map entries)`);
  const r = spawnSync(
    process.execPath,
    [
      '--max-old-space-size=20000',
      `${root}bench/heap/generate-snapshot.mjs`,
      file,
      String(instances),
      String(entries),
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error(`generating ${file} failed`);
  return file;
}

/** Wall seconds and peak RSS (KiB) of one run, both from GNU time. */
function measure(command, commandArgs, options = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', 'hog-bench %e %M', command, ...commandArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  const line = r.stderr
    .toString()
    .split('\n')
    .find((l) => l.startsWith('hog-bench '));
  if (r.status !== 0 || !line)
    throw new Error(`${command} ${commandArgs.join(' ')} failed: ${r.stderr.toString().slice(-2000)}`);
  const [, seconds, kib] = line.split(' ');
  return { seconds: Number(seconds), kib: Number(kib) };
}

const gib = (kib) => `${(kib / 1024 / 1024).toFixed(2)} GiB`;
const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
const mb = (file) => `${(statSync(file).size / 1e6).toFixed(0)} MB`;

ensureDebianPackages(['time']);
ensureMemlab();
const loadAtStart = machineLine();
const small = ensureSnapshot('bench-240', 500_000, 100_000);
const candidates = [
  { name: 'hog heap summary', command: hog, args: ['heap', 'summary', '--no-progress', small] },
  // memlab writes its working files under the current directory's .memlab-ish folders: a temp cwd
  {
    name: 'memlab analyze shape',
    command: memlab,
    args: ['analyze', 'shape', '--snapshot', small],
    options: { cwd: out },
  },
];
const results = new Map(candidates.map((c) => [c.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const c of [...candidates].sort(() => Math.random() - 0.5)) {
    const m = measure(c.command, c.args, c.options);
    console.log(`round ${round + 1}: ${c.name}: ${m.seconds} s, ${mib(m.kib)}`);
    results.get(c.name).push(m);
  }
}
const summary = (name) => {
  const runs = results.get(name);
  return { time: stats(runs.map((r) => r.seconds)), rss: stats(runs.map((r) => r.kib)), runs };
};
const hogSmall = summary('hog heap summary');
const memlabSmall = summary('memlab analyze shape');
const timeRatio = hogSmall.time.median / memlabSmall.time.median;
const rssRatio = hogSmall.rss.median / memlabSmall.rss.median;

let bigLine = 'not run (--no-2g)';
if (big) {
  const file = ensureSnapshot('bench-2g', 4_300_000, 860_000);
  const m = measure(hog, ['heap', 'summary', '--no-progress', file]);
  console.log(`2 GB: hog heap summary: ${m.seconds} s, ${gib(m.kib)}`);
  bigLine = `${mb(file)} snapshot: hog heap summary ${m.seconds.toFixed(1)} s, peak RSS ${gib(m.kib)} (target under 2.5 GB: ${m.kib * 1024 < 2.5e9 ? 'met' : 'missed'})`;
}

const date = new Date().toISOString().slice(0, 10);
writeSection(
  'heap',
  `
## hog heap summary (issue 11): retained sizes of a whole snapshot against memlab

\`node bench/heap.mjs [rounds]\`, ${date}. ${loadAtStart}.
Snapshot: bench/heap/generate-snapshot.mjs, 500,000 class instances and a 100,000-entry Map (${mb(small)}).
hog: \`hog heap summary FILE\` (parse, dominator tree, retained size of every object and class).
memlab ${'2.0.5'}: \`memlab analyze shape --snapshot FILE\` (parse, dominators, retained sizes, shapes).
${rounds} interleaved rounds; wall time and peak RSS of each run by GNU time; medians.

| tool                 | median time | range | median peak RSS | range |
| -------------------- | ----------- | ----- | --------------- | ----- |
| hog heap summary     | ${hogSmall.time.median.toFixed(2)} s | ${hogSmall.time.min.toFixed(2)} – ${hogSmall.time.max.toFixed(2)} s | ${mib(hogSmall.rss.median)} | ${mib(hogSmall.rss.min)} – ${mib(hogSmall.rss.max)} |
| memlab analyze shape | ${memlabSmall.time.median.toFixed(2)} s | ${memlabSmall.time.min.toFixed(2)} – ${memlabSmall.time.max.toFixed(2)} s | ${mib(memlabSmall.rss.median)} | ${mib(memlabSmall.rss.min)} – ${mib(memlabSmall.rss.max)} |

hog / memlab: time ${timeRatio.toFixed(3)} (target at most 1/8 = 0.125: ${timeRatio <= 0.125 ? 'met' : 'missed'}), peak RSS ${rssRatio.toFixed(3)} (target at most 1/3: ${rssRatio <= 1 / 3 ? 'met' : 'missed'}).

Large snapshot (4.3M instances, 860k Map entries): ${bigLine}.
`,
);
formatResults();
console.log(`time ratio ${timeRatio.toFixed(3)}, RSS ratio ${rssRatio.toFixed(3)}; ${bigLine}`);
