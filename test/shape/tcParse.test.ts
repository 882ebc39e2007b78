/**
 * The tc parsers on output captured from iproute2 6.1 on kernel 6.18 (test/shape/fixtures): a hog tree
 * with an ingress redirect, its classes with counters after a 1 MB iperf3 transfer, u32 filters for
 * IPv4 and IPv6, a user's tbf, and tc's error messages mapped to hog's errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PermissionError, UnsupportedError } from '../../src/errors.js';
import { saveRootQdisc } from '../../src/shape/savedQdisc.js';
import { tcFailure } from '../../src/shape/tcErrors.js';
import { parseClasses, parseFilters, parseQdiscs, parseTcRate } from '../../src/shape/tcParse.js';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

describe('parseQdiscs', () => {
  it("reads hog's htb root and the ingress qdisc", () => {
    expect(parseQdiscs(fixture('qdisc-htb-ingress.out'))).toEqual([
      {
        kind: 'htb',
        handle: '686f:',
        parent: 'root',
        options: { r2q: 10, default: '0x2', direct_packets_stat: 0, direct_qlen: 1000 },
      },
      { kind: 'ingress', handle: 'ffff:', parent: 'ingress', options: {} },
    ]);
  });

  it('reads the default noqueue root and rejects what is not JSON', () => {
    expect(parseQdiscs(fixture('qdisc-noqueue.out'))).toEqual([
      { kind: 'noqueue', handle: '0:', parent: 'root', options: {} },
    ]);
    expect(parseQdiscs('')).toEqual([]);
    expect(() => parseQdiscs('qdisc noqueue 0: root')).toThrow('tc printed qdiscs that is not JSON');
  });
});

describe('parseClasses', () => {
  const classes = parseClasses(fixture('class-htb-stats.txt'));

  it('reads every class with rate, ceil, prio, quantum (leaves) and counters', () => {
    expect(classes.map((c) => c.classId)).toEqual(['686f:1', '686f:10', '686f:103', '686f:2', '686f:102']);
    expect(classes[0]).toEqual({
      kind: 'htb',
      classId: '686f:1',
      parent: 'root',
      prio: undefined,
      quantum: undefined,
      rateBitsPerSecond: 20_000_000,
      ceilBitsPerSecond: 20_000_000,
      stats: { bytes: 754248, packets: 517, drops: 0, overlimits: 18, rateBitsPerSecond: 0 },
    });
    expect(classes[1]).toMatchObject({
      classId: '686f:10',
      parent: '686f:1',
      prio: 0,
      quantum: 125000,
      rateBitsPerSecond: 10_000_000,
      ceilBitsPerSecond: 20_000_000,
      stats: { bytes: 754206, packets: 516, drops: 0, overlimits: 28 },
    });
  });

  it('reads a class without counters, and a user class of another qdisc', () => {
    expect(parseClasses('class tbf 800d:1 parent 800d: \n')).toEqual([
      {
        kind: 'tbf',
        classId: '800d:1',
        parent: '800d:',
        prio: undefined,
        quantum: undefined,
        rateBitsPerSecond: undefined,
        ceilBitsPerSecond: undefined,
      },
    ]);
  });

  it("reads tc's rounded rates", () => {
    expect(parseTcRate('1500Kbit')).toBe(1_500_000);
    expect(parseTcRate('2.5Gbit')).toBe(2_500_000_000);
    expect(parseTcRate('0bit')).toBe(0);
    expect(parseTcRate('10Mbps')).toBeUndefined();
  });
});

describe('parseFilters', () => {
  it('groups u32 entries by protocol and preference, with their flowid', () => {
    const filters = parseFilters(fixture('filter-u32.out'));
    expect(filters.map((f) => [f.protocol, f.pref, f.entries.length, f.entries[0]?.flowid])).toEqual([
      ['ip', 26626, 2, '686f:10'],
      ['ipv6', 26627, 2, '686f:10'],
      ['ip', 26628, 1, '686f:102'],
      ['ipv6', 26631, 1, '686f:103'],
    ]);
  });

  it('reads the mirred redirect of the ingress filter', () => {
    expect(parseFilters(fixture('filter-ingress-mirred.out'))).toEqual([
      { protocol: 'all', pref: 26735, kind: 'u32', entries: [{ flowid: undefined, redirectTo: 'hogifb2' }] },
    ]);
  });
});

describe('saveRootQdisc', () => {
  it('puts a tbf back with its handle, rate, burst and the limit its latency came from', () => {
    for (const name of ['qdisc-tbf.out', 'qdisc-tbf-details.out']) {
      const saved = saveRootQdisc(
        'v0',
        parseQdiscs(fixture(name)),
        'qdisc tbf 800f: root refcnt 3 rate 1Mbit burst 1600b lat 50ms\n',
      );
      // 125000 B/s * 49999 us + 1600 B = 7850 B (tc added it as "latency 50ms": 6250 + 1600)
      expect(saved.restore[0]).toMatch(
        /^qdisc add dev v0 root handle 800f: tbf rate 1000000bit burst 1600b(\/1)? limit 7850$/,
      );
      expect(saved.shown).toBe('qdisc tbf 800f: root refcnt 3 rate 1Mbit burst 1600b lat 50ms');
    }
  });

  it('refuses a qdisc it cannot recreate exactly', () => {
    const htb = parseQdiscs(fixture('qdisc-htb-ingress.out'));
    expect(() => saveRootQdisc('v0', htb, '')).toThrow(UnsupportedError);
    expect(() => saveRootQdisc('v0', htb, '')).toThrow('that hog could not put back exactly');
  });
});

describe('tcFailure', () => {
  it('names CAP_NET_ADMIN when the kernel refuses', () => {
    const e = tcFailure('tc -batch', fixture('error-eperm.txt'));
    expect(e).toBeInstanceOf(PermissionError);
    expect(e.exitCode).toBe(3);
    expect(e.hint).toContain('CAP_NET_ADMIN');
  });

  it('says which kernel part is missing: a qdisc kind, the ifb device, a classifier', () => {
    const qdisc = tcFailure('tc -batch', fixture('error-unknown-qdisc.txt'));
    expect(qdisc).toBeInstanceOf(UnsupportedError);
    expect(qdisc.message).toContain('lacks a queueing discipline');
    expect(qdisc.hint).toContain('sch_htb');
    const ifb = tcFailure('ip link add hogifb2 type ifb', fixture('error-unknown-link-type.txt'));
    expect(ifb.message).toBe(
      'ip link add hogifb2 type ifb: this kernel has no ifb device (Error: Unknown device type.)',
    );
    expect(ifb.hint).toContain('modprobe ifb');
    const filter = tcFailure('tc -batch', fixture('error-unknown-filter.txt'));
    expect(filter.hint).toContain('cls_u32');
  });

  it("passes tc's own message on otherwise", () => {
    expect(tcFailure('tc -batch', 'Cannot find device "nosuch"\nCommand failed -:2\n').message).toBe(
      'tc -batch failed: Cannot find device "nosuch"; Command failed -:2',
    );
  });
});
