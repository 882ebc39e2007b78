/** /proc/uptime — seconds since boot, and idle seconds summed over all CPUs. */

import { excerpt, malformed } from './malformed.js';
import { readProcText } from './procFile.js';

export interface Uptime {
  uptimeSeconds: number;
  idleSeconds: number;
}

export function parseUptime(text: string, file = '/proc/uptime'): Uptime {
  const match = /^(\d+(?:\.\d+)?)(?:\s+(\d+(?:\.\d+)?))?/.exec(text.trim());
  const up = match ? Number(match[1]) : Number.NaN;
  const idle = match?.[2] !== undefined ? Number(match[2]) : undefined;
  if (!match) {
    throw malformed(file, `malformed uptime: ${excerpt(text)}`);
  }
  return { uptimeSeconds: up, idleSeconds: idle !== undefined && Number.isFinite(idle) ? idle : 0 };
}

export function readUptime(procRoot = '/proc'): Uptime {
  const file = `${procRoot}/uptime`;
  return parseUptime(readProcText(file), file);
}
