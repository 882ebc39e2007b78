import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatBytesShort,
  formatDuration,
  formatRate,
  parseDuration,
  parseSize,
} from '../../src/render/units.js';

describe('units', () => {
  it('formats bytes with a chosen number of decimals (hog profile --precision)', () => {
    expect(formatBytes(1536, 3)).toBe('1.500 KiB');
    expect(formatBytes(1536, 0)).toBe('2 KiB');
    expect(formatBytes(-2048)).toBe('-2.0 KiB');
    expect(formatBytes(1023.99 * 1024, 0)).toBe('1 MiB');
  });

  it('formats bytes in IEC units with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200.0 MiB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MiB');
    expect(formatBytes(-2048)).toBe('-2.0 KiB');
    expect(formatBytes(Number.NaN)).toBe('-');
  });

  it('formats short sizes for columns like top', () => {
    expect(formatBytesShort(900)).toBe('900');
    expect(formatBytesShort(64 * 1024)).toBe('64.0K');
    expect(formatBytesShort(812.3 * 1024 * 1024)).toBe('812M');
    expect(formatBytesShort(1.2 * 1024 ** 3)).toBe('1.2G');
  });

  it('formats rates in bits per second like iftop, or bytes', () => {
    expect(formatRate(125)).toBe('1.0 Kb/s');
    expect(formatRate(1_250_000)).toBe('10.0 Mb/s');
    expect(formatRate(1_250_000, { bytes: true })).toBe('1.3 MB/s');
    expect(formatRate(10)).toBe('80 b/s');
  });

  it('formats durations', () => {
    expect(formatDuration(59)).toBe('59s');
    expect(formatDuration(90)).toBe('1m 30s');
    expect(formatDuration(3725)).toBe('1h 2m');
    expect(formatDuration(90061)).toBe('1d 1h');
    expect(formatDuration(-1)).toBe('-');
  });

  it('parses sizes and durations, rejecting nonsense with a hint', () => {
    expect(parseSize('10M')).toBe(10 * 1024 * 1024);
    expect(parseSize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('200 MB')).toBe(200_000_000);
    expect(parseSize('512')).toBe(512);
    expect(() => parseSize('ten')).toThrow(/not a size: "ten"/);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('2')).toBe(2);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });
});
