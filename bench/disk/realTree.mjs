// `node bench/disk.mjs --path /usr [--rounds 5] [--baseline DIR]`: hog disk on a real tree (the system's
// /usr) beside du -sk and gdu, whole commands as the user waits for them (Node.js's start and loading
// hog included), with the page cache warm and with it dropped before every run
// (`sync; echo 3 > /proc/sys/vm/drop_caches`, root only). Every tool runs once per round, in a shuffled
// order, so the machine's load hits all alike; medians. The load average is read around each mode.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { formatResults, machineLine, stats, writeSection } from '../lib.mjs';

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function dropCaches() {
  spawnSync('sync');
  writeFileSync('/proc/sys/vm/drop_caches', '3');
}

/** Wall seconds, CPU seconds and peak RSS (KiB) of one run, from GNU time. */
function measure(command) {
  const r = spawnSync('/usr/bin/time', ['-f', 'HOGBENCH %e %M %U %S', ...command], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const line = r.stderr.split('\n').find((l) => l.startsWith('HOGBENCH '));
  if (!line) throw new Error(`${command.join(' ')} failed: ${r.stderr}`);
  const [, seconds, kib, user, system] = line.split(' ').map(Number);
  return { seconds, kib, cpu: user + system, stdout: r.stdout };
}

function runMode(tools, rounds, cold) {
  const results = new Map(tools.map((t) => [t.name, { seconds: [], cpu: [], kib: [] }]));
  const loadBefore = load();
  if (!cold) for (const t of tools) measure(t.command);
  for (let round = 0; round < rounds; round++) {
    for (const t of [...tools].sort(() => Math.random() - 0.5)) {
      if (cold) dropCaches();
      const m = measure(t.command);
      const r = results.get(t.name);
      r.seconds.push(m.seconds);
      r.cpu.push(m.cpu);
      r.kib.push(m.kib);
    }
  }
  return { results, loadBefore, loadAfter: load() };
}

function table(mode, du) {
  const rows = [...mode.results].map(([name, r]) => {
    const s = stats(r.seconds);
    const c = stats(r.cpu);
    return `| ${name} | ${s.median.toFixed(2)} s | ${(s.median / du).toFixed(2)}x | ${s.min.toFixed(2)}–${s.max.toFixed(2)} s | ${c.median.toFixed(2)} s | ${(Math.max(...r.kib) / 1024).toFixed(1)} MiB |`;
  });
  return [
    '| command | wall (median) | vs du -sk | range | CPU user+sys (median) | peak RSS |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export function benchRealTree({ path, rounds, baseline, hog, write }) {
  if (process.getuid() !== 0) throw new Error('bench --path drops the page cache: run it as root');
  const entries = Number(spawnSync('sh', ['-c', `find ${path} -xdev | wc -l`], { encoding: 'utf8' }).stdout);
  const tools = [
    { name: 'du -sk', command: ['du', '-sk', path] },
    { name: 'hog disk', command: [hog, 'disk', path] },
    { name: 'gdu -n -p', command: ['gdu', '-n', '-p', path] },
  ];
  if (baseline) tools.push({ name: 'hog disk (baseline)', command: [`${baseline}/bin/hog`, 'disk', path] });
  const machine = machineLine();
  const disk = spawnSync(
    'sh',
    [
      '-c',
      `df --output=source,fstype ${path} | tail -1; echo '(lsblk: name, rotational, scheduler):'; lsblk -dno NAME,ROTA,SCHED 2>/dev/null | tr '\\n' ';'`,
    ],
    {
      encoding: 'utf8',
    },
  )
    .stdout.replace(/\s+/g, ' ')
    .trim();
  const warm = runMode(tools, rounds, false);
  const cold = runMode(tools, rounds, true);
  const duWarm = stats(warm.results.get('du -sk').seconds).median;
  const duCold = stats(cold.results.get('du -sk').seconds).median;
  const hogCold = stats(cold.results.get('hog disk').seconds).median;
  const gduCold = stats(cold.results.get('gdu -n -p').seconds).median;
  const threads = JSON.parse(measure([hog, 'disk', '--json', path]).stdout).walker.threads;
  const md = `## hog disk on ${path}, cold and warm cache (issue 16), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

\`node bench/disk.mjs --path ${path} --rounds ${rounds}${baseline ? ' --baseline DIR' : ''}\`; ${machine}. ${entries.toLocaleString('en')} entries.
Disk: ${disk} (a virtio disk the host may cache: "cold" is cold for this machine's page cache, dentries and
inodes, not necessarily for the host's). Whole commands as the user waits for them, Node.js's start
included; every tool once per round in a shuffled order, ${rounds} rounds, medians. hog's walker: native, ${threads} threads.${baseline ? ' "baseline": the build before this change (2 threads on 2 cores).' : ''}

Cold (\`sync; echo 3 > /proc/sys/vm/drop_caches\` before every run); load average ${cold.loadBefore} before, ${cold.loadAfter} after:

${table(cold, duCold)}

Warm (after one run of each); load average ${warm.loadBefore} before, ${warm.loadAfter} after:

${table(warm, duWarm)}

- Cold: hog disk ${(hogCold / duCold).toFixed(2)}x du -sk (target <= 0.5x): ${hogCold <= 0.5 * duCold ? 'met' : 'NOT met'}; gdu ${(gduCold / duCold).toFixed(2)}x du: hog ${hogCold < gduCold ? 'beats' : 'does NOT beat'} gdu (${(hogCold / gduCold).toFixed(2)}x).`;
  console.log(md);
  if (write) {
    writeSection(`disk-real-${path.replaceAll('/', '-').replace(/^-/, '')}`, md);
    formatResults();
  }
}
