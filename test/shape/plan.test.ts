/**
 * The pure half of hog shape: changes (add/remove/link) on states, the wanted tree, and the plan from
 * a parsed kernel snapshot to it: exact tc lines, nothing to do when the kernel already has it, a
 * user's root refused or replaced by handle, the ifb around ingress, and rollback's plan back.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addChange, linkChange, removeChange } from '../../src/shape/changes.js';
import type { DeviceFacts } from '../../src/shape/device.js';
import { planDevice, type TcSnapshot } from '../../src/shape/devicePlan.js';
import { networksOverlap, parseNetwork } from '../../src/shape/host.js';
import type { ShapeState } from '../../src/shape/state.js';
import { parseClasses, parseFilters, parseQdiscs } from '../../src/shape/tcParse.js';
import { wantedFrom } from '../../src/shape/wanted.js';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const veth: DeviceFacts = { dev: 'v0', ifindex: 2, mtu: 1500, speedBitsPerSecond: undefined };
const nic: DeviceFacts = { dev: 'eth0', ifindex: 3, mtu: 1500, speedBitsPerSecond: 1e9 };
const at = (state: ShapeState | undefined, facts = veth, now = 1000) => ({ facts, state, now });
const noqueue = (dev: string): TcSnapshot => ({
  dev,
  exists: true,
  qdiscs: parseQdiscs(fixture('qdisc-noqueue.out')),
  classes: [],
  filters: [],
  ingressFilters: [],
});

describe('changes', () => {
  it('adds a cap with its own class and slot, and the same add again changes nothing', () => {
    const s1 = addChange({ direction: 'egress', match: { port: 5201 }, rateBitsPerSecond: 10e6 })(
      at(undefined),
    ) as ShapeState;
    expect(s1.rules).toEqual([
      {
        id: 'port-5201',
        dev: 'v0',
        direction: 'egress',
        match: { port: 5201 },
        rateBitsPerSecond: 10e6,
        createdAt: 1000,
        classId: '686f:101',
        slot: 1,
      },
    ]);
    const again = addChange({ direction: 'egress', match: { port: 5201 }, rateBitsPerSecond: 10e6 })(
      at(s1, veth, 2000),
    );
    expect(again).toBe(s1);
  });

  it('carries several ports in one rule (a process has many)', () => {
    const s = addChange({ direction: 'egress', match: { ports: [443, 80, 443] }, prio: 'high' })(
      at(undefined, nic),
    ) as ShapeState;
    expect(s.rules[0]).toMatchObject({ id: 'port-80+443', match: { ports: [80, 443] }, classId: '686f:10' });
    const pid = addChange({ direction: 'egress', match: { pid: 42, ports: [8080, 9090] }, prio: 'low' })(
      at(s, nic),
    ) as ShapeState;
    const moved = addChange({ direction: 'egress', match: { pid: 42, ports: [9091] }, prio: 'low' })(
      at(pid, nic),
    ) as ShapeState;
    expect(moved.rules.map((r) => [r.id, r.slot, JSON.stringify(r.match)])).toEqual([
      ['port-80+443', 1, '{"ports":[80,443]}'],
      ['pid-42', 2, '{"port":9091,"pid":42}'],
    ]);
  });

  it('refuses overlapping rules: a shared port, networks that share addresses, the same match with another treatment', () => {
    const s = addChange({ direction: 'egress', match: { ports: [80, 443] }, rateBitsPerSecond: 1e6 })(
      at(undefined),
    ) as ShapeState;
    expect(() =>
      addChange({ direction: 'egress', match: { port: 443 }, rateBitsPerSecond: 2e6 })(at(s)),
    ).toThrow('rule port-443 overlaps rule port-80+443 on v0: both match port 443');
    expect(() =>
      addChange({ direction: 'egress', match: { ports: [80, 443] }, rateBitsPerSecond: 2e6 })(at(s)),
    ).toThrow('rule port-80+443 exists already on v0 (rate 1000000 bit/s)');
    // the other direction is another set of packets
    expect(
      addChange({ direction: 'ingress', match: { port: 443 }, rateBitsPerSecond: 2e6 })(at(s))?.rules,
    ).toHaveLength(2);
    const h = addChange({ direction: 'egress', match: { host: '10.1.0.0/16' }, rateBitsPerSecond: 1e6 })(
      at(undefined),
    ) as ShapeState;
    expect(() =>
      addChange({ direction: 'egress', match: { host: '10.1.2.3' }, rateBitsPerSecond: 1e6 })(at(h)),
    ).toThrow('10.1.0.0/16 and 10.1.2.3/32 share addresses');
  });

  it('refuses priorities where the kernel reports no link speed, until hog shape link sets one', () => {
    expect(() =>
      addChange({ direction: 'egress', match: { port: 22 }, prio: 'high' })(at(undefined)),
    ).toThrow('v0 reports no link speed, and priorities need the rate they share');
    const linked = linkChange({ rateBitsPerSecond: 20e6 })(at(undefined)) as ShapeState;
    expect(
      addChange({ direction: 'egress', match: { port: 22 }, prio: 'high' })(at(linked))?.rules[0]?.classId,
    ).toBe('686f:10');
    // a NIC's own speed is the default
    expect(
      addChange({ direction: 'egress', match: { port: 22 }, prio: 'high' })(at(undefined, nic))?.rules,
    ).toHaveLength(1);
  });

  it('asks for the ingress rate for ingress priorities, and for a rate where hog shape link has none', () => {
    const linked = linkChange({ rateBitsPerSecond: 20e6 })(at(undefined)) as ShapeState;
    expect(() => addChange({ direction: 'ingress', match: { port: 22 }, prio: 'high' })(at(linked))).toThrow(
      expect.objectContaining({
        hint: expect.stringContaining('hog shape link --dev v0 --ingress-rate 100mbit'),
      }),
    );
    expect(() => linkChange({})(at(undefined))).toThrow('v0 reports no link speed: say what it carries');
    expect(linkChange({})(at(undefined, nic))?.linkRateBitsPerSecond).toBe(1e9);
    const both = linkChange({ ingressRateBitsPerSecond: 50e6 })(at(linked)) as ShapeState;
    expect([both.linkRateBitsPerSecond, both.ingressRateBitsPerSecond]).toEqual([20e6, 50e6]);
  });

  it('refuses a request that is not one match and one treatment', () => {
    expect(() =>
      addChange({ direction: 'egress', match: { port: 1, host: '10.0.0.1' }, prio: 'high' }),
    ).toThrow('exactly one of --port, --host or --pid');
    expect(() => addChange({ direction: 'egress', match: { port: 1 } })).toThrow(
      'exactly one of --prio or --rate',
    );
    expect(() =>
      addChange({ direction: 'egress', match: { port: 1 }, prio: 'low', ceilBitsPerSecond: 1e6 }),
    ).toThrow('--ceil goes with --rate');
    expect(() =>
      addChange({ direction: 'egress', match: { port: 1 }, rateBitsPerSecond: 2e6, ceilBitsPerSecond: 1e6 }),
    ).toThrow('--ceil is below --rate');
  });

  it('removes a rule only when its creation time matches, when one is given', () => {
    const s = addChange({ direction: 'egress', match: { port: 5201 }, rateBitsPerSecond: 10e6 })(
      at(undefined, veth, 5000),
    ) as ShapeState;
    expect(removeChange({ id: 'port-5201', ifCreatedAt: 4999 })(at(s))).toBe(s);
    // the last rule gone and no link rate set: hog leaves the device as it found it
    expect(removeChange({ id: 'port-5201', ifCreatedAt: 5000 })(at(s))).toBeUndefined();
    expect(() => removeChange({ id: 'port-1' })(at(s))).toThrow('no hog shape rule port-1 on v0');
  });
});

describe('host networks', () => {
  it('canonicalises and compares IPv4 and IPv6 networks', () => {
    expect(parseNetwork('10.1.2.3/16').text).toBe('10.1.0.0/16');
    expect(parseNetwork('fd00:1:0:0:5::1/64').text).toBe('fd00:1::/64');
    expect(parseNetwork('::ffff:10.0.0.1').text).toBe('::ffff:a00:1/128');
    expect(networksOverlap(parseNetwork('fd00:1::/64'), parseNetwork('fd00:1::7'))).toBe(true);
    expect(networksOverlap(parseNetwork('10.0.0.0/8'), parseNetwork('11.0.0.0/8'))).toBe(false);
    expect(() => parseNetwork('10.0.0.0/33')).toThrow('not an address or network: "10.0.0.0/33"');
    expect(() => parseNetwork('example.com')).toThrow('not an address or network');
  });
});

describe('planDevice', () => {
  const capped = addChange({ direction: 'egress', match: { port: 5201 }, rateBitsPerSecond: 10e6 })(
    at(linkChange({ rateBitsPerSecond: 20e6 })(at(undefined))),
  ) as ShapeState;

  it('builds the whole tree on a free root: default class, explicit quantum and burst, IPv4 and IPv6 filters', () => {
    const plan = planDevice(noqueue('v0'), undefined, wantedFrom(capped, veth), undefined);
    expect(plan.before).toEqual([]);
    expect(plan.batch).toEqual([
      'qdisc add dev v0 root handle 686f: htb default 2',
      'class add dev v0 parent 686f: classid 686f:1 estimator 1sec 2sec htb rate 20mbit ceil 20mbit burst 2500 cburst 2500 prio 0 quantum 200000',
      'class add dev v0 parent 686f:1 classid 686f:2 estimator 1sec 2sec htb rate 3mbit ceil 20mbit burst 2500 cburst 2500 prio 1 quantum 37500',
      'class add dev v0 parent 686f:1 classid 686f:101 estimator 1sec 2sec htb rate 10mbit ceil 10mbit burst 1600 cburst 1600 prio 1 quantum 125000',
      'filter add dev v0 parent 686f: protocol ip pref 26626 u32 match ip sport 5201 0xffff flowid 686f:101',
      'filter add dev v0 parent 686f: protocol ip pref 26626 u32 match ip dport 5201 0xffff flowid 686f:101',
      'filter add dev v0 parent 686f: protocol ipv6 pref 26627 u32 match ip6 sport 5201 0xffff flowid 686f:101',
      'filter add dev v0 parent 686f: protocol ipv6 pref 26627 u32 match ip6 dport 5201 0xffff flowid 686f:101',
    ]);
  });

  it('gives priority classes rates that put high above normal above low, all borrowing up to the link', () => {
    let s = linkChange({ rateBitsPerSecond: 100e6 })(at(undefined)) as ShapeState;
    for (const [port, prio] of [
      [1, 'high'],
      [2, 'normal'],
      [3, 'low'],
    ] as const)
      s = addChange({ direction: 'egress', match: { port }, prio })(at(s)) as ShapeState;
    const classes = wantedFrom(s, veth).egress?.classes ?? [];
    expect(classes.map((c) => [c.classId, c.rateBitsPerSecond, c.ceilBitsPerSecond, c.prio])).toEqual([
      ['686f:1', 100e6, 100e6, 0],
      ['686f:2', 15e6, 100e6, 1],
      ['686f:10', 50e6, 100e6, 0],
      ['686f:20', 25e6, 100e6, 1],
      ['686f:30', 10e6, 100e6, 2],
    ]);
  });

  it('has nothing to do when the kernel already has the tree (parsed from what tc printed)', () => {
    // the kernel's view of the same tree, as tc prints it (the lines the first plan ran)
    const text = [
      'class htb 686f:1 root rate 20Mbit ceil 20Mbit linklayer ethernet burst 2500b/1 mpu 0b cburst 2500b/1 mpu 0b level 7 ',
      'class htb 686f:2 parent 686f:1 prio 1 quantum 37500 rate 3Mbit ceil 20Mbit linklayer ethernet burst 2499b/1 mpu 0b cburst 2500b/1 mpu 0b level 0 ',
      'class htb 686f:101 parent 686f:1 prio 1 quantum 125000 rate 10Mbit ceil 10Mbit linklayer ethernet burst 1600b/1 mpu 0b cburst 1600b/1 mpu 0b level 0 ',
    ].join('\n');
    const filters = parseFilters(fixture('filter-u32.out'))
      .filter((f) => f.pref <= 26627)
      .map((f) => ({ ...f, entries: f.entries.map(() => ({ flowid: '686f:101' })) }));
    const kernel: TcSnapshot = {
      ...noqueue('v0'),
      qdiscs: parseQdiscs(fixture('qdisc-htb-ingress.out')).slice(0, 1),
      classes: parseClasses(text),
      filters,
    };
    const wanted = wantedFrom(capped, veth);
    expect(planDevice(kernel, undefined, wanted, wanted).batch).toEqual([]);
    // a class changed under hog's feet is changed back; a filter hog has no record of is re-made
    const changed = {
      ...kernel,
      classes: parseClasses(text.replace('rate 10Mbit ceil 10Mbit', 'rate 5Mbit ceil 10Mbit')),
    };
    expect(planDevice(changed, undefined, wanted, wanted).batch).toEqual([
      'class change dev v0 parent 686f:1 classid 686f:101 estimator 1sec 2sec htb rate 10mbit ceil 10mbit burst 1600 cburst 1600 prio 1 quantum 125000',
    ]);
    expect(planDevice(kernel, undefined, wanted, undefined).batch[0]).toBe(
      'filter del dev v0 parent 686f: protocol ip pref 26626',
    );
  });

  it("replaces a user's root only by its handle, and clear puts it back", () => {
    const tbf: TcSnapshot = { ...noqueue('v0'), qdiscs: parseQdiscs(fixture('qdisc-tbf.out')) };
    expect(() => planDevice(tbf, undefined, wantedFrom(capped, veth), undefined)).toThrow(
      'v0 has a root qdisc hog does not own (tbf 800f:)',
    );
    const saved = {
      kind: 'tbf',
      handle: '800f:',
      shown: 'qdisc tbf 800f: root',
      restore: ['qdisc add dev v0 root handle 800f: tbf rate 1000000bit burst 1600b limit 7850'],
    };
    const withSaved = { ...capped, savedRootQdisc: saved };
    const plan = planDevice(tbf, undefined, wantedFrom(withSaved, veth), undefined);
    expect(plan.batch.slice(0, 2)).toEqual([
      'qdisc del dev v0 root handle 800f:',
      'qdisc add dev v0 root handle 686f: htb default 2',
    ]);
    const hogRoot: TcSnapshot = {
      ...noqueue('v0'),
      qdiscs: parseQdiscs(fixture('qdisc-htb-ingress.out')).slice(0, 1),
    };
    expect(planDevice(hogRoot, undefined, {}, wantedFrom(withSaved, veth)).batch).toEqual([
      'qdisc del dev v0 root handle 686f:',
      'qdisc add dev v0 root handle 800f: tbf rate 1000000bit burst 1600b limit 7850',
    ]);
  });

  it("takes a multiqueue NIC's default mq, but not one whose queue qdisc the user set", () => {
    const mq = (child: string) =>
      parseQdiscs(
        `[{"kind":"mq","handle":"0:","root":true,"options":{}},{"kind":"fq_codel","handle":"0:","parent":":1","options":{}},{"kind":"fq","handle":"${child}","parent":":2","options":{}}]`,
      );
    const eth0 = (child: string): TcSnapshot => ({ ...noqueue('eth0'), qdiscs: mq(child) });
    const s = addChange({ direction: 'egress', match: { port: 22 }, prio: 'high' })(
      at(undefined, nic),
    ) as ShapeState;
    expect(planDevice(eth0('0:'), undefined, wantedFrom(s, nic), undefined).batch[0]).toBe(
      'qdisc add dev eth0 root handle 686f: htb default 2',
    );
    expect(() => planDevice(eth0('8001:'), undefined, wantedFrom(s, nic), undefined)).toThrow(
      'eth0 has a root qdisc hog does not own (mq 0:)',
    );
  });

  it('shapes ingress on an ifb made first, redirected last; removes it in the reverse order', () => {
    const s = {
      ...(addChange({ direction: 'ingress', match: { port: 873 }, rateBitsPerSecond: 5e6 })(
        at(undefined),
      ) as ShapeState),
      ifb: 'hogifb2',
    };
    const plan = planDevice(noqueue('v0'), undefined, wantedFrom(s, veth), undefined);
    expect(plan.before).toEqual([
      ['link', 'add', 'hogifb2', 'txqueuelen', '1000', 'type', 'ifb'],
      ['link', 'set', 'hogifb2', 'up'],
    ]);
    expect(plan.batch[0]).toBe('qdisc add dev hogifb2 root handle 686f: htb default 2');
    expect(plan.batch.slice(-2)).toEqual([
      'qdisc add dev v0 handle ffff: ingress',
      'filter add dev v0 parent ffff: protocol all pref 26735 u32 match u32 0 0 action mirred egress redirect dev hogifb2',
    ]);
    const dev: TcSnapshot = {
      ...noqueue('v0'),
      qdiscs: parseQdiscs(fixture('qdisc-htb-ingress.out')).slice(1),
      ingressFilters: parseFilters(fixture('filter-ingress-mirred.out')),
    };
    const ifb: TcSnapshot = {
      ...noqueue('hogifb2'),
      qdiscs: parseQdiscs(fixture('qdisc-htb-ingress.out')).slice(0, 1),
    };
    const back = planDevice(dev, ifb, {}, wantedFrom(s, veth));
    // the ifb's tree goes with the device, after nothing is redirected to it any more
    expect(back.batch).toEqual([
      'filter del dev v0 parent ffff: protocol all pref 26735',
      'qdisc del dev v0 ingress',
    ]);
    expect(back.after).toEqual([['link', 'del', 'hogifb2']]);
  });
});
