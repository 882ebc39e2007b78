/**
 * The shaping-class matcher on fixtures shaped like hog shape's state: port rules on either end, host
 * rules on the remote end (IPv4, IPv6, mapped IPv4), first match wins, the default class, and no
 * class where the device is not shaped.
 */
import { describe, expect, it } from 'vitest';
import {
  type ClassifiableRule,
  type ConnectionEnds,
  classifyConnection,
  connectionDevice,
  inNetwork,
  type ShapedDevice,
} from '../../src/shape/classify.js';

const rule = (r: Partial<ClassifiableRule> & Pick<ClassifiableRule, 'id' | 'match' | 'classId'>) =>
  ({ direction: 'egress', ...r }) as ClassifiableRule;

const veth: ShapedDevice = {
  dev: 'veth0',
  egress: true,
  ingress: true,
  egressDefault: '686f:30',
  ingressDefault: '686f:30',
  rules: [
    rule({ id: 'port-5201', match: { port: 5201 }, prio: 'low', classId: '686f:40' }),
    rule({ id: 'port-80+443', match: { ports: [80, 443] }, rateBitsPerSecond: 10e6, classId: '686f:100' }),
    rule({ id: 'host-10.9.0.0/16', match: { host: '10.9.0.0/16' }, prio: 'high', classId: '686f:10' }),
    rule({ id: 'host-fd66:1::/64', match: { host: 'fd66:1::/64' }, prio: 'high', classId: '686f:10' }),
    rule({ id: 'pid-99', match: { pid: 99 }, prio: 'low', classId: '686f:40' }),
    rule({ id: 'in-port-22', direction: 'ingress', match: { port: 22 }, prio: 'high', classId: '686f:10' }),
  ],
};

const conn = (
  local: string,
  lport: number,
  remote: string,
  rport: number,
  dev = 'veth0',
): ConnectionEnds => ({
  local: { address: local, port: lport },
  remote: { address: remote, port: rport },
  dev,
});

const summary = (ends: ConnectionEnds, devices = [veth]) =>
  classifyConnection(ends, devices).map((c) => `${c.direction} ${c.ruleId ?? 'default'} ${c.classId}`);

describe('classifyConnection', () => {
  it('matches a port rule on either end', () => {
    expect(summary(conn('10.1.0.1', 5201, '10.1.0.2', 40000))).toEqual([
      'egress port-5201 686f:40',
      'ingress default 686f:30',
    ]);
    expect(summary(conn('10.1.0.1', 40000, '10.1.0.2', 5201))[0]).toBe('egress port-5201 686f:40');
    expect(summary(conn('10.1.0.1', 40000, '10.1.0.2', 443))[0]).toBe('egress port-80+443 686f:100');
  });

  it('matches a host rule on the remote address only', () => {
    expect(summary(conn('10.1.0.1', 40000, '10.9.200.7', 8080))[0]).toBe('egress host-10.9.0.0/16 686f:10');
    expect(summary(conn('10.9.0.1', 40000, '10.1.0.7', 8080))[0]).toBe('egress default 686f:30');
    expect(summary(conn('::ffff:10.1.0.1', 40000, '::ffff:10.9.0.3', 8080))[0]).toBe(
      'egress host-10.9.0.0/16 686f:10',
    );
    expect(summary(conn('fd66:1::1', 40000, 'fd66:1::2', 8080))[0]).toBe('egress host-fd66:1::/64 686f:10');
    expect(summary(conn('fd66:2::1', 40000, 'fd66:2::2', 8080))[0]).toBe('egress default 686f:30');
  });

  it('takes the first rule that matches, as tc tries its filters in order', () => {
    const both = conn('10.1.0.1', 5201, '10.9.0.3', 40000);
    expect(summary(both)[0]).toBe('egress port-5201 686f:40');
    const reversed = { ...veth, rules: [...veth.rules].reverse() };
    expect(summary(both, [reversed])[0]).toBe('egress host-10.9.0.0/16 686f:10');
  });

  it('keeps directions apart: an ingress rule classifies only incoming packets', () => {
    expect(summary(conn('10.1.0.1', 22, '10.1.0.2', 50000))).toEqual([
      'egress default 686f:30',
      'ingress in-port-22 686f:10',
    ]);
    const egressOnly = { ...veth, ingress: false };
    expect(summary(conn('10.1.0.1', 22, '10.1.0.2', 50000), [egressOnly])).toEqual([
      'egress default 686f:30',
    ]);
  });

  it('carries the treatment of the rule', () => {
    const [out] = classifyConnection(conn('10.1.0.1', 1, '10.1.0.2', 80), [veth]);
    expect(out).toEqual({
      dev: 'veth0',
      direction: 'egress',
      ruleId: 'port-80+443',
      classId: '686f:100',
      rateBitsPerSecond: 10e6,
    });
  });

  it('gives no class where the device is not shaped or not known', () => {
    expect(classifyConnection(conn('10.1.0.1', 5201, '10.1.0.2', 1, 'eth1'), [veth])).toEqual([]);
    expect(classifyConnection({ ...conn('10.1.0.1', 5201, '10.1.0.2', 1), dev: undefined }, [veth])).toEqual(
      [],
    );
    expect(classifyConnection(conn('10.1.0.1', 5201, '10.1.0.2', 1), [])).toEqual([]);
  });

  it('ignores a pid rule whose process holds no port any more', () => {
    const pidOnly: ShapedDevice = {
      ...veth,
      rules: [rule({ id: 'pid-99', match: { pid: 99, ports: [] }, prio: 'low', classId: '686f:40' })],
    };
    expect(summary(conn('10.1.0.1', 5201, '10.1.0.2', 1), [pidOnly])[0]).toBe('egress default 686f:30');
  });
});

describe('inNetwork', () => {
  it('compares the prefix bits', () => {
    expect(inNetwork('10.1.2.3', '10.1.2.0/24')).toBe(true);
    expect(inNetwork('10.1.3.3', '10.1.2.0/24')).toBe(false);
    expect(inNetwork('10.1.2.130', '10.1.2.128/25')).toBe(true);
    expect(inNetwork('10.1.2.127', '10.1.2.128/25')).toBe(false);
    expect(inNetwork('10.1.2.3', '10.1.2.3')).toBe(true);
    expect(inNetwork('10.1.2.4', '10.1.2.3')).toBe(false);
    expect(inNetwork('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(inNetwork('fd66:1::9', 'fd66:1::/64')).toBe(true);
    expect(inNetwork('fd66:1:0:1::9', 'fd66:1::/64')).toBe(false);
    expect(inNetwork('10.1.2.3', 'fd66::/16')).toBe(false);
    expect(inNetwork('10.1.2.3', '10.1.2.0/33')).toBe(false);
    expect(inNetwork('*', '10.1.2.0/24')).toBe(false);
  });
});

describe('connectionDevice', () => {
  const addresses = new Map([
    ['127.0.0.1', 'lo'],
    ['10.1.0.1', 'veth0'],
    ['fd66:1::1', 'veth0'],
    ['192.168.5.2', 'eth0'],
  ]);

  it('is the device holding the local address', () => {
    expect(connectionDevice('10.1.0.1', '10.1.0.2', addresses)).toBe('veth0');
    expect(connectionDevice('::ffff:10.1.0.1', '::ffff:10.1.0.2', addresses)).toBe('veth0');
    expect(connectionDevice('fd66:1::1', 'fd66:1::2', addresses)).toBe('veth0');
    expect(connectionDevice('*', '10.1.0.2', addresses)).toBeUndefined();
  });

  it('is loopback between two of the machine’s own addresses', () => {
    expect(connectionDevice('10.1.0.1', '192.168.5.2', addresses)).toBe('lo');
  });
});
