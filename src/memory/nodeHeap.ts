/**
 * V8 heap numbers from Node.js targets of `hog run`. hog writes a small preload next to the marker
 * file and adds `--require <preload>` to NODE_OPTIONS, so every Node.js process the command starts
 * (children too) appends one JSON line per interval to HOG_HEAP_FILE:
 *   {"t": <epoch ms>, "pid": <pid>, "heapUsed": n, "heapTotal": n, "external": n, "arrayBuffers": n}
 * straight from process.memoryUsage(). The timer is unref'd (it never keeps a program alive) and a last
 * line is written at exit. Other programs ignore NODE_OPTIONS, so this costs them nothing.
 */
import type { Metric } from './recording.js';

export const HEAP_FILE_ENV = 'HOG_HEAP_FILE';
export const HEAP_INTERVAL_ENV = 'HOG_HEAP_INTERVAL_MS';
/** The preload's fastest rate: process.memoryUsage() is cheap, but the target should not pay 100 Hz. */
export const MIN_HEAP_INTERVAL_MS = 100;

export const HEAP_PRELOAD_SOURCE = `'use strict';
// hog run's heap reporter (see src/memory/nodeHeap.ts in hog). Safe to delete.
(function hogHeapReporter() {
  const file = process.env.${HEAP_FILE_ENV};
  if (!file) return;
  let isMainThread = true;
  try { isMainThread = require('node:worker_threads').isMainThread; } catch {}
  if (!isMainThread) return;
  const fs = require('node:fs');
  const every = Math.max(${MIN_HEAP_INTERVAL_MS}, Number(process.env.${HEAP_INTERVAL_ENV}) || 1000);
  let fd;
  try { fd = fs.openSync(file, 'a'); } catch { return; }
  const report = () => {
    try {
      const m = process.memoryUsage();
      fs.writeSync(fd, JSON.stringify({ t: Date.now(), pid: process.pid, heapUsed: m.heapUsed,
        heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers }) + '\\n');
    } catch {}
  };
  report();
  setInterval(report, every).unref();
  process.on('exit', report);
})();
`;

const FIELDS: [string, Metric][] = [
  ['heapUsed', 'heap_used'],
  ['heapTotal', 'heap_total'],
  ['external', 'external'],
  ['arrayBuffers', 'array_buffers'],
];

export interface HeapReport {
  t: number;
  pid: number;
  values: Partial<Record<Metric, number>>;
}

export function parseHeapReport(value: Record<string, unknown>): HeapReport | undefined {
  const { t, pid } = value;
  if (typeof t !== 'number' || typeof pid !== 'number' || !Number.isInteger(pid)) return undefined;
  const values: Partial<Record<Metric, number>> = {};
  for (const [field, metric] of FIELDS) {
    const v = value[field];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) values[metric] = v;
  }
  return Object.keys(values).length > 0 ? { t, pid, values } : undefined;
}

/** NODE_OPTIONS with the preload added (quoted, as Node parses NODE_OPTIONS like a shell). */
export function withPreload(nodeOptions: string | undefined, preloadPath: string): string {
  const flag = `--require ${JSON.stringify(preloadPath)}`;
  return nodeOptions ? `${nodeOptions} ${flag}` : flag;
}
