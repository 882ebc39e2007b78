/**
 * /proc/pressure/{memory,cpu,io} — Pressure Stall Information (kernel >= 4.20, CONFIG_PSI; see
 * Documentation/accounting/psi.rst). "some" is the share of time at least one task stalled on the
 * resource, "full" the share of time all non-idle tasks stalled at once, as percentages averaged over
 * 10, 60 and 300 s, plus the total stall time in microseconds. cpu has "full" only since 5.13.
 * Missing files (no PSI, or psi=0 on the kernel command line) read as undefined.
 */

import { errnoCode } from '../errors.js';
import { excerpt, malformed } from './malformed.js';
import { isVanished, readProcText } from './procFile.js';

export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  totalMicros: number;
}

export interface Pressure {
  some: PressureLine;
  full: PressureLine | undefined;
}

export type PressureResource = 'memory' | 'cpu' | 'io';

export function parsePressure(text: string, file = '/proc/pressure/[resource]'): Pressure {
  const lines = new Map<string, PressureLine>();
  for (const line of text.split('\n')) {
    const match = /^(some|full) avg10=(\S+) avg60=(\S+) avg300=(\S+) total=(\d+)/.exec(line.trim());
    if (!match) continue;
    lines.set(match[1] as string, {
      avg10: Number(match[2]),
      avg60: Number(match[3]),
      avg300: Number(match[4]),
      totalMicros: Number(match[5]),
    });
  }
  const some = lines.get('some');
  if (!some) throw malformed(file, `malformed pressure file: ${excerpt(text)}`);
  return { some, full: lines.get('full') };
}

export function readPressure(resource: PressureResource, procRoot = '/proc'): Pressure | undefined {
  try {
    const file = `${procRoot}/pressure/${resource}`;
    return parsePressure(readProcText(file), file);
  } catch (error) {
    // ENOENT: no PSI in this kernel; EOPNOTSUPP: built in but disabled (psi=0).
    if (isVanished(error) || errnoCode(error) === 'EOPNOTSUPP') return undefined;
    throw error;
  }
}
