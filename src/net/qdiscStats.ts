/**
 * Queueing-discipline counters per interface, from `tc -s -j qdisc show` (iproute2): packets the qdisc
 * dropped (its queue was full or a shaper's limit was hit) and what waits in it now (backlog). A link
 * that is really full shows here first: the queue in front of it grows, then overflows. Only the root
 * qdisc of each device is kept: classful and multiqueue roots (htb, mq) report their children's sums.
 */
import { execFile } from 'node:child_process';

export interface QdiscStats {
  dev: string;
  kind: string;
  /** Packets dropped since the qdisc was created. */
  drops: number;
  /** What waits in the queue now. */
  backlogBytes: number;
  backlogPackets: number;
}

/** The JSON of `tc -s -j qdisc show`: root qdiscs only; entries without counters are skipped. */
export function parseQdiscJson(text: string): Map<string, QdiscStats> {
  const byDev = new Map<string, QdiscStats>();
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    return byDev;
  }
  if (!Array.isArray(list)) return byDev;
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const q = entry as Record<string, unknown>;
    if (q.root !== true || typeof q.dev !== 'string' || typeof q.drops !== 'number') continue;
    byDev.set(q.dev, {
      dev: q.dev,
      kind: typeof q.kind === 'string' ? q.kind : '?',
      drops: q.drops,
      backlogBytes: typeof q.backlog === 'number' ? q.backlog : 0,
      backlogPackets: typeof q.qlen === 'number' ? q.qlen : 0,
    });
  }
  return byDev;
}

/** tc answers in a few ms; a hung one must not hold the doctor. */
const TC_TIMEOUT_MS = 1000;
const TC_MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * The root qdiscs of the caller's network namespace; undefined when tc is missing or fails (hog then
 * judges by the interface drop counters alone).
 */
export function readQdiscStats(): Promise<Map<string, QdiscStats> | undefined> {
  return new Promise((resolve) => {
    execFile(
      'tc',
      ['-s', '-j', 'qdisc', 'show'],
      { timeout: TC_TIMEOUT_MS, maxBuffer: TC_MAX_OUTPUT, encoding: 'utf8' },
      (error, stdout) => resolve(error ? undefined : parseQdiscJson(stdout)),
    );
  });
}
