/**
 * One reading of a Node.js process's heap through its inspector: attach (SIGUSR1 if need be),
 * evaluate process.memoryUsage(), release. The inspector is open for that one round trip (tens of
 * milliseconds), not for the whole watch: an open inspector lets any local user of the same network
 * namespace run code in the process.
 */
import { type AttachOptions, attachInspector, CALL_TIMEOUT_MS } from './attach.js';

export interface NodeMemoryUsage {
  /** Epoch ms of the reading. */
  t: number;
  pid: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface HeapReading {
  usage: NodeMemoryUsage | undefined;
  port: number;
  openedByHog: boolean;
}

const FIELDS = ['heapUsed', 'heapTotal', 'external', 'arrayBuffers'] as const;

/** process.memoryUsage() as the target returned it, or undefined when the value is not that shape. */
export function parseMemoryUsage(value: unknown, pid: number, t: number): NodeMemoryUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const usage: NodeMemoryUsage = { t, pid, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  for (const field of FIELDS) {
    const v = (value as Record<string, unknown>)[field];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return undefined;
    usage[field] = v;
  }
  return usage;
}

export async function readNodeHeap(
  pid: number,
  procRoot: string,
  options: AttachOptions = {},
): Promise<HeapReading> {
  const attachment = await attachInspector(pid, procRoot, options);
  try {
    const value = await attachment.session.evaluate('process.memoryUsage()', CALL_TIMEOUT_MS);
    return {
      usage: parseMemoryUsage(value, pid, Date.now()),
      port: attachment.port,
      openedByHog: attachment.openedByHog,
    };
  } finally {
    await attachment.release();
  }
}
