// Shared by the benchmarks: write one dated block of figures into bench/RESULTS.md, between the
// markers of its own name (replacing the previous figures of the same benchmark), and read
// /proc/PID/stat CPU time.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RESULTS = new URL('./RESULTS.md', import.meta.url);

export function writeResults(name, heading, lines) {
  const begin = `<!-- ${name} -->`;
  const end = `<!-- /${name} -->`;
  const block = [begin, heading, '', ...lines, end].join('\n');
  let text = readFileSync(RESULTS, 'utf8');
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) text = text.slice(0, from) + block + text.slice(to + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(RESULTS, text);
  // the repository's formatter aligns the tables, so `npm run lint` stays clean
  const biome = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));
  spawnSync(biome, ['format', '--write', fileURLToPath(RESULTS)], { stdio: 'ignore' });
}

/** utime + stime of one process, in seconds (USER_HZ = 100). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function machine() {
  const cpus = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('processor')).length;
  const mem = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? 0) / 1024 / 1024;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return `${cpus} cores, ${mem.toFixed(0)} GiB, Node.js ${process.versions.node}, load average at start ${load}`;
}
