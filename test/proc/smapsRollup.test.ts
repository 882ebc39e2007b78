import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSmapsRollup, readSmapsRollup } from '../../src/proc/smapsRollup.js';
import { FIXTURES } from '../helpers/hog.js';

describe('smaps_rollup', () => {
  it('reads PSS and computes USS as the private pages', () => {
    const r = parseSmapsRollup(readFileSync(`${FIXTURES}machine/proc/8980/smaps_rollup`, 'utf8'));
    // the fixture: Pss 38164 kB, Private_Clean 31268 kB + Private_Dirty 6324 kB, Rss 40264 kB
    expect(r.pssBytes).toBe(38164 * 1024);
    expect(r.rssBytes).toBe(40264 * 1024);
    expect(r.ussBytes).toBe((31268 + 6324) * 1024);
    expect(r.ussBytes).toBe(r.privateCleanBytes + r.privateDirtyBytes + r.privateHugetlbBytes);
    expect(r.pssBytes).toBeLessThanOrEqual(r.rssBytes);
    expect(r.ussBytes).toBeLessThanOrEqual(r.pssBytes);
  });

  it('is undefined for a kernel thread (empty file)', () => {
    expect(readSmapsRollup(2, `${FIXTURES}machine/proc`)).toBeUndefined();
  });

  it('rejects a file missing required lines', () => {
    expect(() => parseSmapsRollup('Rss: 4 kB\n')).toThrow(/malformed smaps_rollup: no /);
  });
});
