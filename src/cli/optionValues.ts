/**
 * Turning command-line option text into typed values, with errors that quote the bad value and say
 * what is accepted. Used as commander argParsers.
 */
import { quote, UsageError } from '../errors.js';
import { parseDuration, parseSize } from '../render/units.js';

export function positiveInt(name: string): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n <= 0) {
      throw new UsageError(`${name} must be a positive whole number, got ${quote(text)}`);
    }
    return n;
  };
}

export function parsePid(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n <= 0 || n > 4194304) {
    throw new UsageError(`not a PID: ${quote(text)}`, { hint: 'a PID is a whole number from 1 to 4194304' });
  }
  return n;
}

/** "12,34 56" -> [12, 34, 56] */
export function parsePidList(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter((part) => part !== '')
    .map(parsePid);
}

/** Seconds, from "0.5", "500ms", "2s", "1m". Zero allowed when `allowZero`. */
export function seconds(
  name: string,
  options: { allowZero?: boolean; max?: number } = {},
): (text: string) => number {
  return (text) => {
    let value: number;
    try {
      value = parseDuration(text);
    } catch (error) {
      throw new UsageError(`${name}: not a duration: ${quote(text)}`, {
        hint: 'write seconds (0.5) or a number with ms, s, m or h (500ms, 2s, 1m)',
        cause: error,
      });
    }
    if ((value === 0 && !options.allowZero) || (options.max !== undefined && value > options.max)) {
      throw new UsageError(`${name} out of range: ${quote(text)}`, {
        hint: `${options.allowZero ? 'from 0' : 'above 0'}${options.max !== undefined ? ` up to ${options.max} s` : ''}`,
      });
    }
    return value;
  };
}

/** A whole number from 0 up (depths, counts where 0 means "none"). */
export function nonNegativeInt(name: string): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
      throw new UsageError(`${name} must be a whole number from 0, got ${quote(text)}`);
    }
    return n;
  };
}

/** A size in bytes from "100M", "1.5G", "512". */
export function sizeValue(name: string): (text: string) => number {
  return (text) => {
    try {
      return parseSize(text);
    } catch (error) {
      throw new UsageError(`${name}: not a size: ${quote(text)}`, {
        hint: 'write a number with an optional unit, e.g. 512, 64K, 100M, 1.5G (K/M/G are powers of 1024)',
        cause: error,
      });
    }
  };
}

/** A duration in seconds from "12h", "7d", "30d" (an age threshold; 0 allowed). */
export function durationValue(name: string): (text: string) => number {
  return (text) => {
    try {
      return parseDuration(text);
    } catch (error) {
      throw new UsageError(`${name}: not a duration: ${quote(text)}`, {
        hint: 'write a number with s, m, h or d, e.g. 12h, 7d, 30d',
        cause: error,
      });
    }
  };
}

/** Repeatable option: each use adds to the list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A number of decimals from 0 to 6 (--precision). */
export function decimals(name: string): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || n > 6) {
      throw new UsageError(`${name} must be a whole number of decimals from 0 to 6, got ${quote(text)}`);
    }
    return n;
  };
}

/** A size in bytes above 0, as parseSize reads it ("500M"); its own error for text that is not a size. */
export function positiveSize(name: string): (text: string) => number {
  return (text) => {
    const bytes = parseSize(text);
    if (bytes <= 0) throw new UsageError(`${name} must be above 0, got ${quote(text)}`);
    return bytes;
  };
}
