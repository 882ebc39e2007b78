#!/usr/bin/env node
// Benchmark for issue 16: whole-process wall time of `hog doctor` (all checks, and each resource
// alone) beside `node -e 0` as the floor (no other tool does what the doctor does). The network checks
// watch the network for 2 s; the memory and disk checks run during that window, so the whole command
// should take about the window plus Node's start. `hog doctor` exits with Nagios codes (0-3): all
// count as success here.
//   node bench/doctor.mjs [--rounds N] [--baseline DIR]
// --baseline DIR: also time DIR/bin/hog doctor, an older build (a copy of bin/ and dist/ with a
// node_modules link), in the same interleaved rounds, so a change is measured under the same load.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatResults, machineLine, stats, writeSection } from './lib.mjs';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(arg('--rounds') ?? 9);
const baseline = arg('--baseline');
const root = fileURLToPath(new URL('..', import.meta.url));
const hog = `${root}bin/hog`;
const withoutExtraCerts = { ...process.env };
delete withoutExtraCerts.NODE_EXTRA_CA_CERTS;

function timeOnce(c) {
  const start = process.hrtime.bigint();
  const r = spawnSync(c.command, c.args, { stdio: ['ignore', 'pipe', 'pipe'], env: withoutExtraCerts });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status === null || r.status > 3) throw new Error(`${c.name} failed (${r.status}): ${r.stderr}`);
  return { ms, stdout: r.stdout.toString() };
}

const candidates = [
  { name: 'hog doctor', command: hog, args: ['doctor'] },
  { name: 'hog doctor --only memory', command: hog, args: ['doctor', '--only', 'memory'] },
  { name: 'hog doctor --only disk', command: hog, args: ['doctor', '--only', 'disk'] },
  { name: 'hog doctor --only network', command: hog, args: ['doctor', '--only', 'network'] },
  { name: '(floor) node -e 0', command: process.execPath, args: ['-e', '0'] },
];
if (baseline) {
  // start-up of commands the overlap does not touch, before and after
  for (const args of [
    ['doctor', '--help'],
    ['net', '--help'],
  ]) {
    candidates.push(
      { name: `hog ${args.join(' ')}`, command: hog, args },
      { name: `baseline: hog ${args.join(' ')}`, command: `${baseline}/bin/hog`, args },
    );
  }
  candidates.push(
    { name: 'baseline: hog doctor', command: `${baseline}/bin/hog`, args: ['doctor'] },
    {
      name: 'baseline: hog doctor --only memory',
      command: `${baseline}/bin/hog`,
      args: ['doctor', '--only', 'memory'],
    },
  );
}
const machine = machineLine();
const times = new Map(candidates.map((c) => [c.name, []]));
for (let round = -1; round < rounds; round++) {
  for (const c of [...candidates].sort(() => Math.random() - 0.5)) {
    const { ms } = timeOnce(c);
    if (round >= 0) times.get(c.name).push(ms);
  }
}
const loadAtEnd = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

// where the time of one whole run goes: each check's own duration from --json (the network checks'
// is the wait for what is left of the window once the memory and disk checks ran)
const json = JSON.parse(
  timeOnce({ name: 'hog doctor --json', command: hog, args: ['doctor', '--json'] }).stdout,
);
const byResource = new Map();
for (const c of json.checks) byResource.set(c.resource, (byResource.get(c.resource) ?? 0) + c.durationMs);

const s = new Map([...times].map(([name, values]) => [name, stats(values)]));
const row = ([name, v]) =>
  `| ${name} | ${v.median.toFixed(0)} | ${v.min.toFixed(0)}–${v.max.toFixed(0)} | ${(v.median - s.get('(floor) node -e 0').median).toFixed(0)} |`;
const whole = s.get('hog doctor').median;
const memory = s.get('hog doctor --only memory').median;
const md = `## hog doctor — whole command (issue 16), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

\`node bench/doctor.mjs --rounds ${rounds}${baseline ? ' --baseline DIR' : ''}\`; ${machine}, at the end ${loadAtEnd}.${baseline ? ' "baseline" is the build of main before the overlap (sequential checks, d094bb9).' : ''}
Whole-process wall time in ms over ${rounds} interleaved rounds (after 1 warm-up round). The machine is shared
with other developers' builds and tests: medians, and the spread beside them.

| command | median ms | min–max ms | above the floor ms |
|---|---|---|---|
${[...s].map(row).join('\n')}

- \`hog doctor\`: ${(whole / 1000).toFixed(2)} s (target <= 2.3 s): ${whole <= 2300 ? 'met' : 'NOT met'}; \`--only memory\`: ${(memory / 1000).toFixed(2)} s (target <= 0.3 s): ${memory <= 300 ? 'met' : 'NOT met'}.
- One \`hog doctor --json\` run, time per resource as the checks report it: memory ${byResource.get('memory')?.toFixed(0)} ms, disk ${byResource.get('disk')?.toFixed(0)} ms, network ${byResource.get('network')?.toFixed(0)} ms (the rest of the 2 s window, after the memory and disk checks ran inside it).`;
writeSection('doctor', md);
formatResults();
console.log(md);
