import { describe, expect, it } from 'vitest';
import { fillRate } from '../../src/disk/fillRate.js';

describe('fillRate', () => {
  it('unknown without history, steady, or filling with an ETA', () => {
    const now = 10_000_000_000;
    expect(fillRate([], 100, now)).toEqual({
      kind: 'unknown',
      reason: 'no recorded history (hog serve is not recording on this machine)',
    });
    const samples = (perSecond: number) =>
      Array.from({ length: 13 }, (_, k) => ({
        timeMs: now - (12 - k) * 300_000,
        usedBytes: 1e9 + perSecond * k * 300,
      }));
    const filling = fillRate(samples(1000), 3_600_000, now);
    expect(filling.kind).toBe('filling');
    if (filling.kind === 'filling') {
      expect(filling.bytesPerSecond).toBeCloseTo(1000, 6);
      expect(filling.etaSeconds).toBeCloseTo(3600, 3);
    }
    expect(fillRate(samples(-5), 1e9, now).kind).toBe('steady');
    expect(fillRate(samples(1000).slice(-3), 1e9, now)).toMatchObject({ kind: 'filling' });
    expect(fillRate([{ timeMs: now, usedBytes: 1 }], 1e9, now).kind).toBe('unknown');
  });
});
