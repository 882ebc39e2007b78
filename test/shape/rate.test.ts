/** Rates as hog takes them: bits with a unit; bytes ("mbps") and bare numbers refused with the fix. */
import { describe, expect, it } from 'vitest';
import { isHogError } from '../../src/errors.js';
import { parseRate, tcRate } from '../../src/shape/rate.js';

function failure(text: string): { message: string; hint: string | undefined; exitCode: number } {
  try {
    parseRate(text, '--rate');
  } catch (error) {
    if (isHogError(error)) return { message: error.message, hint: error.hint, exitCode: error.exitCode };
    throw error;
  }
  throw new Error(`${text} was accepted`);
}

describe('parseRate', () => {
  it('reads bit units, decimal and binary prefixes, spaces and /s', () => {
    expect(parseRate('10mbit')).toBe(10_000_000);
    expect(parseRate('10Mbit')).toBe(10_000_000);
    expect(parseRate('1.5gbit')).toBe(1_500_000_000);
    expect(parseRate('500kbit')).toBe(500_000);
    expect(parseRate('10 mbit/s')).toBe(10_000_000);
    expect(parseRate('8bit')).toBe(8);
    expect(parseRate('1kibit')).toBe(1024);
  });

  it('refuses "10 mbps": bytes in tc, and suggests 10mbit, saying why', () => {
    const f = failure('10 mbps');
    expect(f.exitCode).toBe(2);
    expect(f.message).toBe('--rate: "10 mbps" is in bytes per second');
    expect(f.hint).toContain('"mbps" means BYTES per second (10mbps = 80mbit)');
    expect(f.hint).toContain('write 10mbit');
  });

  it('refuses a number without unit with the two likely fixes', () => {
    const f = failure('10');
    expect(f.message).toBe('--rate: "10" has no unit');
    expect(f.hint).toContain('write 10mbit for 10 Mbit/s, or 10kbit');
  });

  it('refuses unknown units, garbage and out-of-range values', () => {
    expect(failure('10mb').message).toBe('--rate: unknown unit in "10mb"');
    expect(failure('fast').message).toBe('--rate: not a rate: "fast"');
    expect(failure('-5mbit').message).toBe('--rate: not a rate: "-5mbit"');
    expect(failure('2tbit').message).toBe('--rate: "2tbit" is out of range');
    expect(failure('0bit').message).toBe('--rate: "0bit" is out of range');
  });

  it('writes rates back in whole tc units', () => {
    expect(tcRate(10_000_000)).toBe('10mbit');
    expect(tcRate(1_500_000)).toBe('1500kbit');
    expect(tcRate(100e9)).toBe('100gbit');
    expect(tcRate(1234)).toBe('1234bit');
  });
});
