#!/usr/bin/env node
// Benchmark for issue 2: whole-process wall time and peak RSS of `hog ps --json` beside `ps aux`,
// a psutil script reading the same fields, and the npm systeminformation processes(), in the same
// run, with at least 400 processes running (this script starts them).
//   node bench/ps.mjs [--rounds N] [--processes N] [--baseline DIR]
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages, interleaved, machineLine, peakRssKiB, writeSection } from './lib.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = arg('--rounds', 30);
// another build of hog (a checkout of an earlier commit, built), measured beside this one
const baseline = process.argv.includes('--baseline')
  ? process.argv[process.argv.indexOf('--baseline') + 1]
  : undefined;
const wanted = arg('--processes', 400);

ensureDebianPackages(['python3-psutil', 'procps', 'time']);
const root = fileURLToPath(new URL('..', import.meta.url));
const hog = `${root}bin/hog`;

// bin/hog starts node without NODE_EXTRA_CA_CERTS (see bin/hog); the Node.js floor is measured alike
const withoutExtraCerts = { ...process.env };
delete withoutExtraCerts.NODE_EXTRA_CA_CERTS;

const count = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
const sleepers = [];
while (count() < wanted + 20) sleepers.push(spawn('sleep', ['3600'], { stdio: 'ignore' }));
const processes = count();

try {
  const candidates = [
    { name: 'hog ps --json -i 0', command: hog, args: ['ps', '--json', '--interval', '0'] },
    ...(baseline
      ? [
          {
            name: `hog ps --json -i 0 (${baseline})`,
            command: `${baseline}/bin/hog`,
            args: ['ps', '--json', '--interval', '0'],
          },
        ]
      : []),
    { name: 'ps aux', command: 'ps', args: ['aux'] },
    { name: 'psutil (python3)', command: '/usr/bin/python3', args: [`${root}bench/peers/psutil_ps.py`] },
    {
      name: 'systeminformation processes()',
      command: process.execPath,
      args: [`${root}bench/peers/si-processes.mjs`],
    },
    // the floors: starting each runtime and doing nothing (psutil: with the module imported)
    {
      name: '(floor) node -e 0',
      command: process.execPath,
      args: ['-e', '0'],
      options: { env: withoutExtraCerts },
    },
    {
      name: '(floor) python3 -c "import psutil"',
      command: '/usr/bin/python3',
      args: ['-c', 'import psutil'],
    },
  ];
  const results = interleaved(candidates, rounds);
  const peaks = new Map(candidates.map((c) => [c.name, peakRssKiB(c.command, c.args, c.options)]));
  const hogDefault = interleaved(
    [{ name: 'hog ps --json (default -i 0.2)', command: hog, args: ['ps', '--json'] }],
    Math.min(rounds, 10),
  );

  const h = results.get('hog ps --json -i 0');
  const lines = [...results].map(
    ([name, s]) =>
      `| ${name} | ${s.median.toFixed(1)} | ${s.mean.toFixed(1)} ± ${s.sd.toFixed(1)} | ${(s.median / h.median).toFixed(2)} | ${(peaks.get(name) / 1024).toFixed(1)} |`,
  );
  const psutil = results.get('psutil (python3)');
  const si = results.get('systeminformation processes()');
  const hogPeakMiB = peaks.get('hog ps --json -i 0') / 1024;
  const verdict = [
    `hog vs psutil: ${(h.median / psutil.median).toFixed(2)}x the time (target <= 1.0): ${h.median <= psutil.median ? 'met' : 'NOT met'}`,
    `systeminformation vs hog: ${(si.median / h.median).toFixed(1)}x slower (target >= 8x): ${si.median / h.median >= 8 ? 'met' : 'NOT met'}`,
    `hog peak RSS ${hogPeakMiB.toFixed(1)} MiB (target <= 60 MiB): ${hogPeakMiB <= 60 ? 'met' : 'NOT met'}`,
  ];
  const d = hogDefault.get('hog ps --json (default -i 0.2)');
  const md = `## hog ps — process table (issue 2), ${new Date().toISOString().slice(0, 10)}

\`node bench/ps.mjs --rounds ${rounds}\` with ${processes} processes running; ${machineLine()}.
Whole-process wall time in ms over ${rounds} interleaved rounds (after 2 warm-up rounds); peak RSS from GNU time.
hog reads stat, status and cmdline of each process (CPU% as the lifetime average, like ps, with \`-i 0\`);
the psutil script reads the same fields (no SWAP: psutil has it only through smaps).

| command | median ms | mean ± sd ms | time vs hog | peak RSS MiB |
|---|---|---|---|---|
${lines.join('\n')}

${verdict.map((v) => `- ${v}`).join('\n')}
- For reference, \`hog ps --json\` with its default 0.2 s CPU% interval: median ${d.median.toFixed(1)} ms (the interval is a wait, not work).`;
  writeSection('ps', md);
  console.log(md);
} finally {
  for (const s of sleepers) s.kill('SIGKILL');
}
