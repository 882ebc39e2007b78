/**
 * Rates as tc reads them (tc-htb(8), "UNITS" in tc(8)): bits per second with a unit. tc's own trap is
 * that "bps" means BYTES per second ("10mbps" is 80 Mbit/s); hog takes bit units only and says so.
 * Decimal prefixes as tc: k = 1000 (kbit), m = 10^6, g = 10^9, t = 10^12; "kibit" style are 1024-based.
 */
import { quote, UsageError } from '../errors.js';

const BIT_UNITS: Record<string, number> = {
  bit: 1,
  kbit: 1e3,
  mbit: 1e6,
  gbit: 1e9,
  tbit: 1e12,
  kibit: 1024,
  mibit: 1024 ** 2,
  gibit: 1024 ** 3,
  tibit: 1024 ** 4,
};

const BYTE_UNITS: Record<string, string> = {
  bps: 'bit',
  kbps: 'kbit',
  mbps: 'mbit',
  gbps: 'gbit',
  tbps: 'tbit',
};

/** The highest rate hog asks of HTB: 64-bit rates reach far beyond, but nothing real goes faster. */
export const MAX_RATE_BITS = 1e12;

const HINT = 'rates are bits per second with a unit: 500kbit, 10mbit, 1gbit (k = 1000)';

/** "10mbit" -> 10_000_000 bits/s. A bare number, a byte unit or an unknown unit is refused with a fix. */
export function parseRate(text: string, name = 'rate'): number {
  const compact = text.trim().toLowerCase().replace(/\s+/g, '');
  const m = /^(\d+(?:\.\d+)?)([a-z/]*)$/.exec(compact);
  if (m === null) throw new UsageError(`${name}: not a rate: ${quote(text)}`, { hint: HINT });
  const value = Number(m[1]);
  const unit = (m[2] as string).replace(/\/s$/, '');
  if (unit === '') {
    throw new UsageError(`${name}: ${quote(text)} has no unit`, {
      hint: `write ${m[1]}mbit for ${m[1]} Mbit/s, or ${m[1]}kbit; ${HINT}`,
    });
  }
  const bitUnit = BYTE_UNITS[unit];
  if (bitUnit !== undefined) {
    throw new UsageError(`${name}: ${quote(text)} is in bytes per second`, {
      hint: `in tc "${unit}" means BYTES per second (${m[1]}${unit} = ${value * 8}${bitUnit}); for ${m[1]} ${bitUnit === 'bit' ? 'bit' : `${bitUnit.slice(0, -3).toUpperCase()}bit`}/s write ${m[1]}${bitUnit}`,
    });
  }
  const scale = BIT_UNITS[unit];
  if (scale === undefined) throw new UsageError(`${name}: unknown unit in ${quote(text)}`, { hint: HINT });
  const bits = Math.round(value * scale);
  if (bits < 8 || bits > MAX_RATE_BITS) {
    throw new UsageError(`${name}: ${quote(text)} is out of range`, { hint: 'from 8bit up to 1tbit' });
  }
  return bits;
}

/** 10_000_000 -> "10mbit": what hog writes in tc commands (exact, whole units only). */
export function tcRate(bits: number): string {
  for (const [unit, scale] of [
    ['gbit', 1e9],
    ['mbit', 1e6],
    ['kbit', 1e3],
  ] as const) {
    if (bits % scale === 0) return `${bits / scale}${unit}`;
  }
  return `${bits}bit`;
}
