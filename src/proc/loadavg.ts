/** /proc/loadavg — "0.51 0.26 0.10 1/78 2797": load over 1, 5, 15 min; runnable/total tasks; last PID. */

import { excerpt, malformed } from './malformed.js';
import { readProcText } from './procFile.js';

export interface LoadAvg {
  load1: number;
  load5: number;
  load15: number;
  runnable: number;
  tasks: number;
  lastPid: number;
}

export function parseLoadAvg(text: string, file = '/proc/loadavg'): LoadAvg {
  const match = /^(\S+) (\S+) (\S+) (\d+)\/(\d+) (\d+)/.exec(text.trim());
  if (!match) throw malformed(file, `malformed loadavg: ${excerpt(text)}`);
  const [load1, load5, load15, runnable, tasks, lastPid] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return { load1, load5, load15, runnable, tasks, lastPid };
}

export function readLoadAvg(procRoot = '/proc'): LoadAvg {
  const file = `${procRoot}/loadavg`;
  return parseLoadAvg(readProcText(file), file);
}
