#!/usr/bin/env node
// Benchmark of `hog disk` against du, gdu and ncdu, in the same run on the same tree, warm cache.
//   node bench/disk.mjs [--files 200000] [--rounds 7] [--million] [--no-write]
//   node bench/disk.mjs --path /usr [--rounds 5] [--baseline DIR] [--no-write]
// With --path: a real tree, warm and cold cache, beside du -sk and gdu (bench/disk/realTree.mjs).
// Generates the tree once under bench/out/ (bench/disk/tree.mjs), installs gdu and ncdu if missing
// (root, Debian), runs every tool `rounds` times interleaved, reports medians and hog's ratio to
// du -sk, checks that hog's totals equal du's, and with --million measures hog's peak memory on a
// 1,000,000-file tree. Figures go into the "hog disk" section of bench/RESULTS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchRealTree } from './disk/realTree.mjs';
import { ensureDebianPackages } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const hog = join(root, 'bin', 'hog');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const files = option('--files', 200_000);
const rounds = option('--rounds', 7);
const million = args.includes('--million');
const write = !args.includes('--no-write');

function ensureTree(count) {
  const dir = join(here, 'out', `disk-tree-${count}`);
  if (!existsSync(join(dir, '.complete'))) {
    mkdirSync(join(here, 'out'), { recursive: true });
    execFileSync('rm', ['-rf', dir]);
    console.error(`bench: generating ${count} files in ${dir} (once)`);
    execFileSync(process.execPath, [join(here, 'disk', 'tree.mjs'), dir, String(count)], {
      stdio: 'inherit',
    });
    writeFileSync(join(dir, '.complete'), '');
  }
  return dir;
}

/** Wall time (s), CPU time (user + system, s) and peak RSS (KiB) of one command, from GNU time. */
function measure(command, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', 'HOGBENCH %e %M %U %S', ...command], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
  });
  const line = r.stderr.split('\n').find((l) => l.startsWith('HOGBENCH '));
  if (!line) throw new Error(`${command.join(' ')} failed: ${r.stderr}`);
  const [, seconds, kib, user, system] = line.split(' ');
  return {
    seconds: Number(seconds),
    kib: Number(kib),
    cpu: Number(user) + Number(system),
    stdout: r.stdout,
    status: r.status,
  };
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function run(tree) {
  const tools = [
    { name: 'du -sk', command: ['du', '-sk', tree] },
    { name: 'hog disk --json', command: [hog, 'disk', '--json', tree] },
    {
      name: 'hog disk --json (JavaScript walker)',
      command: [hog, 'disk', '--json', tree],
      env: { HOG_DISK_WALKER: 'js' },
    },
    { name: 'gdu -n', command: ['gdu', '-n', '-p', tree] },
    { name: 'hog disk -o (export)', command: [hog, 'disk', '-o', '/dev/null', tree] },
    { name: 'ncdu -o (export)', command: ['ncdu', '-0', '-o', '/dev/null', tree] },
    { name: 'gdu -o (export)', command: ['gdu', '-n', '-p', '-o', '/dev/null', tree] },
  ];
  // warm the cache and the page tables once
  for (const t of tools) measure(t.command, t.env);
  const times = new Map(tools.map((t) => [t.name, []]));
  const cpu = new Map(tools.map((t) => [t.name, []]));
  const memory = new Map(tools.map((t) => [t.name, []]));
  let hogJson;
  for (let r = 0; r < rounds; r++) {
    for (const t of tools) {
      const m = measure(t.command, t.env);
      times.get(t.name).push(m.seconds);
      cpu.get(t.name).push(m.cpu);
      memory.get(t.name).push(m.kib);
      if (t.name === 'hog disk --json') hogJson = JSON.parse(m.stdout);
    }
  }
  const duAllocated = Number(execFileSync('du', ['-sB1', tree], { encoding: 'utf8' }).split('\t')[0]);
  const duApparent = Number(execFileSync('du', ['-sb', tree], { encoding: 'utf8' }).split('\t')[0]);
  return {
    rows: tools.map((t) => ({
      name: t.name,
      seconds: median(times.get(t.name)),
      best: Math.min(...times.get(t.name)),
      cpu: median(cpu.get(t.name)),
      all: times.get(t.name),
      kib: Math.max(...memory.get(t.name)),
    })),
    totals: {
      hogAllocated: hogJson.total.allocatedBytes,
      hogApparent: hogJson.total.apparentBytes,
      duAllocated,
      duApparent,
      walker: hogJson.walker,
    },
  };
}

function memoryOnMillion() {
  const tree = ensureTree(1_000_000);
  measure([hog, 'disk', '--json', tree]);
  const rows = [];
  for (const [name, command] of [
    ['hog disk --json', [hog, 'disk', '--json', tree]],
    ['hog disk --by category', [hog, 'disk', '--by', 'category', '--json', tree]],
    ['hog disk -o (export)', [hog, 'disk', '-o', '/dev/null', tree]],
    ['du -sk', ['du', '-sk', tree]],
    ['gdu -n', ['gdu', '-n', '-p', tree]],
    ['ncdu -o (export)', ['ncdu', '-0', '-o', '/dev/null', tree]],
  ]) {
    const m = measure(command);
    rows.push({ name, seconds: m.seconds, kib: m.kib });
  }
  return rows;
}

// the peers: only the benchmark needs them
ensureDebianPackages(['gdu', 'ncdu']);
const realPath = args.includes('--path') ? args[args.indexOf('--path') + 1] : undefined;
if (realPath) {
  const baseline = args.includes('--baseline') ? args[args.indexOf('--baseline') + 1] : undefined;
  benchRealTree({ path: realPath, rounds: option('--rounds', 5), baseline, hog, write });
  process.exit(0);
}
const tree = ensureTree(files);
const pressure = () => {
  try {
    return Number(/avg10=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1]);
  } catch {
    return Number.NaN;
  }
};
const before = loadavg()[0];
const pressureBefore = pressure();
const result = run(tree);
const millionRows = million ? memoryOnMillion() : undefined;
const after = loadavg()[0];
const pressureAfter = pressure();

const duRow = result.rows.find((r) => r.name === 'du -sk');
const du = duRow.seconds;
const hogRow = result.rows.find((r) => r.name === 'hog disk --json');
const ratio = hogRow.seconds / du;
const bestRatio = hogRow.best / duRow.best;
const t = result.totals;
const identical = t.hogAllocated === t.duAllocated && t.hogApparent === t.duApparent;
const date = new Date().toISOString().slice(0, 10);
const mib = (kib) => (kib / 1024).toFixed(1);
const lines = [
  `### ${date}: ${files.toLocaleString('en')} files (bench/disk/tree.mjs), warm cache, ${rounds} rounds interleaved, medians`,
  '',
  `Machine: ${cpus().length} cores; load average ${before.toFixed(2)} before, ${after.toFixed(2)} after; CPU pressure (PSI some avg10) ${pressureBefore}% before, ${pressureAfter}% after (other work on the machine shows there).`,
  '',
  '| tool | wall (median) | ratio to du | wall (best) | ratio to du (best) | CPU user+sys (median) | peak RSS | all rounds (s) |',
  '|---|---:|---:|---:|---:|---:|---:|---|',
  ...result.rows.map(
    (r) =>
      `| ${r.name} | ${r.seconds.toFixed(3)} s | ${(r.seconds / du).toFixed(2)}x | ${r.best.toFixed(3)} s | ${(r.best / duRow.best).toFixed(2)}x | ${r.cpu.toFixed(2)} s | ${mib(r.kib)} MiB | ${r.all.map((s) => s.toFixed(2)).join(' ')} |`,
  ),
  '',
  `Target hog disk --json <= 1.0x du -sk: **${ratio <= 1 ? 'met' : 'NOT met'}** on the medians (${ratio.toFixed(2)}x); ${bestRatio.toFixed(2)}x on the best rounds (${t.walker.kind} walker, ${t.walker.threads} threads).`,
  `Totals: hog ${t.hogAllocated} B allocated / ${t.hogApparent} B apparent; du -sB1 ${t.duAllocated}, du -sb ${t.duApparent}: **${identical ? 'identical' : 'DIFFERENT'}**.`,
];
if (millionRows) {
  const hogMillion = millionRows.find((r) => r.name === 'hog disk --json');
  lines.push(
    '',
    'Peak memory on 1,000,000 files (one run each):',
    '',
    '| tool | wall time | peak RSS |',
    '|---|---:|---:|',
    ...millionRows.map((r) => `| ${r.name} | ${r.seconds.toFixed(2)} s | ${mib(r.kib)} MiB |`),
    '',
    `Target hog disk --json < 100 MiB on 1M files: **${hogMillion.kib / 1024 < 100 ? 'met' : 'NOT met'}** (${mib(hogMillion.kib)} MiB).`,
  );
}
const text = lines.join('\n');
console.log(text);

if (write) {
  const file = join(here, 'RESULTS.md');
  const results = readFileSync(file, 'utf8');
  const head = '## hog disk (issue 5)';
  const intro = [
    head,
    '',
    'bench/disk.mjs: `hog disk --json` against `du -sk`, `gdu -n` and the exports of ncdu and gdu on a generated',
    'tree (bench/disk/tree.mjs: nested directories, mostly small files, 1% hard links, 1% symlinks, 0.5% sparse',
    'files), every tool the same number of times, interleaved, after one warm-up run each. Newest run first.',
    '',
    'How to read it. A scan is one fstatat per entry and the kernel does most of the work: du, ncdu and the',
    'native walker all spend ~0.6 s of system time here. The walker makes fewer system calls than du (no',
    "fcntl, one stat per entry) and runs two threads, so with a free core it takes about 0.7x du's time (the",
    '"best" columns). Starting Node.js, loading hog and building the report cost ~0.25 s of CPU more than du',
    'uses in all (the CPU column); when other work holds the second core,',
    "the two threads share one and hog lands at du's pace or up to ~1.3x behind it (the medians, on this",
    'shared machine). The CPU column is the cost whatever the load.',
    '',
  ].join('\n');
  let updated;
  if (results.includes(head)) {
    const start = results.indexOf(head);
    const next = results.indexOf('\n## ', start + head.length);
    const section = results.slice(start, next < 0 ? undefined : next);
    const body = section.slice(section.indexOf('### ') >= 0 ? section.indexOf('### ') : section.length);
    updated = `${results.slice(0, start)}${intro}\n${text}\n\n${body.trim() ? `${body.trim()}\n` : ''}${next < 0 ? '' : results.slice(next)}`;
  } else {
    updated = `${results.trimEnd()}\n\n${intro}\n${text}\n`;
  }
  writeFileSync(file, updated);
  // the project's formatter lays out the tables, as bench/net.mjs does
  spawnSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', file], { stdio: 'ignore' });
  console.error(`bench: figures written to ${file}`);
}
