/** /proc/uptime — seconds since boot, and idle seconds summed over all CPUs. */
import { readProcText } from './procFile.js';

export interface Uptime {
  uptimeSeconds: number;
  idleSeconds: number;
}

export function parseUptime(text: string): Uptime {
  const match = /^(\d+(?:\.\d+)?)(?:\s+(\d+(?:\.\d+)?))?/.exec(text.trim());
  const up = match ? Number(match[1]) : Number.NaN;
  const idle = match?.[2] !== undefined ? Number(match[2]) : undefined;
  if (!match) {
    throw new Error(`malformed uptime: ${JSON.stringify(text.slice(0, 80))}`);
  }
  return { uptimeSeconds: up, idleSeconds: idle !== undefined && Number.isFinite(idle) ? idle : 0 };
}

export function readUptime(procRoot = '/proc'): Uptime {
  return parseUptime(readProcText(`${procRoot}/uptime`));
}
