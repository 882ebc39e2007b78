import { describe, expect, it } from 'vitest';
import { byteIncrements, timeIncrements, timeTick } from '../../src/serve/web/axes.js';
import { bySeverity, countBySeverity, severityBadge, verdictBadge } from '../../src/serve/web/badges.js';
import { fillText, fillUrgent, inodeText, usageText, usedPercent } from '../../src/serve/web/diskText.js';
import {
  formatAgo,
  formatClock,
  formatIn,
  formatLoad,
  formatShare,
  formatSlope,
  verdictSlope,
} from '../../src/serve/web/format.js';
import { heapHint } from '../../src/serve/web/heapHint.js';
import { DEFAULT_RANGE_MS, parseRange, RANGES, windowQuery, withWindow } from '../../src/serve/web/range.js';
import { eventsUrl, hrefOf, parseFragment, parseRoute } from '../../src/serve/web/route.js';
import type { Finding, VerdictKind } from '../../src/serve/web/wire.js';
import { fillingMount, T0 } from './webFixtures.js';

const MiB = 1024 * 1024;

describe('verdict and severity badges', () => {
  it('gives each verdict kind its word and tone, with the verdict sentence as the title', () => {
    const kinds: VerdictKind[] = ['leak', 'growing', 'steady', 'insufficient'];
    const badges = kinds.map((kind) => verdictBadge({ kind, slopeBytesPerSecond: 0, text: `text ${kind}` }));
    expect(badges).toEqual([
      { label: 'leak', tone: 'crit', title: 'text leak' },
      { label: 'growing', tone: 'warn', title: 'text growing' },
      { label: 'steady', tone: 'ok', title: 'text steady' },
      { label: 'collecting', tone: 'muted', title: 'text insufficient' },
    ]);
  });

  it('shows a kind it does not know by its name, without judging it', () => {
    const odd = { kind: 'wobbly' as VerdictKind, slopeBytesPerSecond: null, text: 'x' };
    expect(verdictBadge(odd)).toEqual({ label: 'wobbly', tone: 'muted', title: 'x' });
    expect(severityBadge('warn').tone).toBe('warn');
  });

  it('orders findings worst first and counts them', () => {
    const f = (id: string, severity: Finding['severity'], title: string): Finding => ({
      id,
      severity,
      title,
      detail: '',
      fix: null,
    });
    const findings = [f('a', 'ok', 'a'), f('b', 'crit', 'z'), f('c', 'warn', 'b'), f('d', 'crit', 'y')];
    expect(bySeverity(findings).map((x) => x.id)).toEqual(['d', 'b', 'c', 'a']);
    expect(findings.map((x) => x.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(countBySeverity(findings)).toEqual({ crit: 2, warn: 1, info: 0, ok: 1 });
  });
});

describe('formatting', () => {
  it('prints slopes per minute as the terminal does', () => {
    expect(formatSlope(MiB / 60)).toBe('+1.0 MiB/min');
    expect(formatSlope(-512 / 60)).toBe('-512 B/min');
    expect(formatSlope(null)).toBe('-');
    expect(verdictSlope({ kind: 'insufficient', slopeBytesPerSecond: 0 })).toBe('-');
    expect(verdictSlope({ kind: 'steady', slopeBytesPerSecond: 0 })).toBe('0 B/min');
  });

  it('prints shares, loads and moments relative to the server time', () => {
    expect(formatShare(1, 8)).toBe('12.5%');
    expect(formatShare(1, 0)).toBe('-');
    expect(formatLoad([0.5, 1.25, 2], 4)).toBe('0.50 1.25 2.00 (4 CPUs)');
    expect(formatAgo(T0, T0 + 125_000)).toBe('2m 5s ago');
    expect(formatAgo(T0, T0 + 200)).toBe('just now');
    expect(formatIn(T0 + 3 * 86_400_000 + 4 * 3_600_000, T0)).toBe('in 3d 4h');
    expect(formatIn(T0 - 1, T0)).toBe('now');
  });

  it('prints a clock time, with the date when it is not today', () => {
    const t = new Date(2026, 11, 6, 9, 5, 7).getTime();
    expect(formatClock(t, t + 1000)).toBe('09:05:07');
    expect(formatClock(t, t + 86_400_000)).toBe('2026-12-06 09:05:07');
  });
});

describe('disk words', () => {
  it('says how full a mount is and when it will be full', () => {
    expect(usageText(fillingMount)).toBe('700.0 MiB of 1000.0 MiB (70.0%)');
    // df's Use%: used / (used + available), not used / size (the root reserve counts as full)
    const reserved = {
      ...fillingMount,
      sizeBytes: 252 * 1024 * MiB,
      usedBytes: 27.5 * 1024 * MiB,
      availBytes: 73.9 * 1024 * MiB,
    };
    expect(usageText(reserved)).toBe('27.5 GiB of 252.0 GiB (27.1%)');
    expect(usedPercent(reserved)?.toFixed(1)).toBe('27.1');
    expect(usedPercent({ ...fillingMount, usedBytes: 0, availBytes: 0 })).toBeUndefined();
    expect(inodeText(fillingMount)).toBe('49.2k of 65.5k used (75.0%)');
    expect(inodeText({ ...fillingMount, inodesTotal: 0 })).toBe('-');
    const now = T0 + 60_000;
    expect(fillText(fillingMount.fill, now)).toBe('full in 5m (+1.0 MiB/s)');
    expect(fillUrgent(fillingMount.fill, now)).toBe(true);
    expect(fillText({ bytesPerSecond: 0, fullAt: null }, now)).toBe('not filling');
    expect(fillText({ bytesPerSecond: -2048, fullAt: null }, now)).toBe('not filling (freeing 2.0 KiB/s)');
    expect(fillText(null, now)).toBe('not enough history');
    expect(fillUrgent({ bytesPerSecond: 1, fullAt: now + 2 * 86_400_000 }, now)).toBe(false);
  });
});

describe('heap hint', () => {
  it('offers hog heap for a Node.js process only', () => {
    expect(heapHint(4242, true)?.command).toBe('hog heap summary 4242 --sigusr1');
    expect(heapHint(4242, false)).toBeNull();
  });
});

describe('routes and the token in the fragment', () => {
  it('reads the pages it knows and nothing else', () => {
    expect(parseRoute('/')).toEqual({ page: 'overview' });
    expect(parseRoute('/memory')).toEqual({ page: 'memory' });
    expect(parseRoute('/process/31337')).toEqual({ page: 'process', pid: 31337 });
    expect(parseRoute('/process/0')).toEqual({ page: 'unknown', path: '/process/0' });
    expect(parseRoute('/process/12abc')).toEqual({ page: 'unknown', path: '/process/12abc' });
    expect(parseRoute('/memory/x')).toEqual({ page: 'unknown', path: '/memory/x' });
    for (const route of [{ page: 'disk' }, { page: 'process', pid: 7 }, { page: 'overview' }] as const) {
      expect(parseFragment(hrefOf(route)).route).toEqual(route);
    }
  });

  it('takes the token out of the fragment, alone or beside a route', () => {
    expect(parseFragment('#token=s3cr%2Bt')).toEqual({
      route: { page: 'overview' },
      token: 's3cr+t',
      clean: '#/',
    });
    expect(parseFragment('#/process/12&token=abc')).toEqual({
      route: { page: 'process', pid: 12 },
      token: 'abc',
      clean: '#/process/12',
    });
    expect(parseFragment('#/disk')).toEqual({ route: { page: 'disk' }, token: null, clean: '#/disk' });
    expect(parseFragment('#token=')).toEqual({ route: { page: 'overview' }, token: null, clean: '#/' });
    expect(parseFragment('')).toEqual({ route: { page: 'overview' }, token: null, clean: '#/' });
  });

  it('puts the token in the event stream query, escaped', () => {
    expect(eventsUrl(null)).toBe('/api/v1/events');
    expect(eventsUrl('a+b&c')).toBe('/api/v1/events?token=a%2Bb%26c');
  });
});

describe('axis ticks', () => {
  it('steps bytes by powers of two of each IEC unit', () => {
    const incrs = byteIncrements();
    expect(incrs.slice(0, 11)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]);
    expect(incrs).toContain(64 * MiB);
    expect(incrs).toHaveLength(60);
  });

  it('steps time by whole seconds and up, never below the pace of the recorder', () => {
    const incrs = timeIncrements();
    expect(incrs[0]).toBe(1000);
    expect(incrs).toContain(60_000);
    expect([...incrs].sort((a, b) => a - b)).toEqual(incrs);
  });

  it('labels time in 24-hour local time, as fine as the ticks are apart', () => {
    const t = new Date(2026, 11, 6, 16, 5, 7).getTime();
    expect(timeTick(t, 10_000)).toBe('16:05:07');
    expect(timeTick(t, 300_000)).toBe('16:05');
    expect(timeTick(t, 86_400_000)).toBe('12-06');
  });
});

describe('time window', () => {
  it('asks for the default 24 hours by leaving the window to the server', () => {
    expect(windowQuery(DEFAULT_RANGE_MS, T0)).toBe('');
    expect(withWindow('/api/v1/disks', '')).toBe('/api/v1/disks');
  });

  it('asks for another window from the server clock, leaving `to` at its now', () => {
    expect(windowQuery(3_600_000, T0)).toBe(`from=${T0 - 3_600_000}`);
    // before the first sample event there is no server time: the default window, not the browser clock
    expect(windowQuery(3_600_000, null)).toBe('');
    expect(withWindow('/api/v1/net', 'from=5')).toBe('/api/v1/net?from=5');
    expect(withWindow('/api/v1/host/series?metric=available', 'from=5')).toBe(
      '/api/v1/host/series?metric=available&from=5',
    );
  });

  it('reads back only the ranges it offers', () => {
    expect(parseRange(String(RANGES[0]?.ms))).toBe(15 * 60_000);
    expect(parseRange('12345')).toBe(DEFAULT_RANGE_MS);
    expect(parseRange(null)).toBe(DEFAULT_RANGE_MS);
  });
});
