/**
 * The network parsers on outputs captured in two namespaces (iperf3 over IPv4 and IPv6, UDP sockets),
 * plus hand-made lines: scoped addresses, several processes on one socket, garbage.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatEndpoint, parseSsEndpoint } from '../../src/net/address.js';
import { parseLinkSpeed } from '../../src/net/link.js';
import { parseNetDev } from '../../src/net/procNetDev.js';
import { parseSnmp, tcpSegments } from '../../src/net/procNetSnmp.js';
import { parseSs, parseSsLine } from '../../src/net/ssParse.js';
import {
  addressFromBytes,
  addressToBytes,
  compressIpv6,
  parseProcHexAddress,
} from '../../src/proc/ipAddress.js';
import { parseProcNetSockets } from '../../src/proc/netSockets.js';
import { FIXTURES } from '../helpers/hog.js';

const fixture = (name: string) => readFileSync(`${FIXTURES}net/${name}`, 'utf8');

describe('ss endpoints', () => {
  it('reads IPv4, bracketed IPv6, IPv4-mapped, wildcards and interface scopes', () => {
    expect(parseSsEndpoint('10.66.200.1:41102')).toEqual({ address: '10.66.200.1', port: 41102 });
    expect(parseSsEndpoint('[fd66:200::2]:5301')).toEqual({ address: 'fd66:200::2', port: 5301 });
    expect(parseSsEndpoint('[::ffff:10.66.200.2]:5201')).toEqual({ address: '10.66.200.2', port: 5201 });
    expect(parseSsEndpoint('*:5210')).toEqual({ address: '*', port: 5210 });
    expect(parseSsEndpoint('0.0.0.0:*')).toEqual({ address: '*', port: 0 });
    expect(parseSsEndpoint('[::]:*')).toEqual({ address: '*', port: 0 });
    expect(parseSsEndpoint('127.0.0.53%lo:53')).toEqual({ address: '127.0.0.53', port: 53, scope: 'lo' });
    expect(parseSsEndpoint('[fe80::1]%eth0:546')).toEqual({ address: 'fe80::1', port: 546, scope: 'eth0' });
    for (const bad of ['', 'nonsense', '10.0.0.1:99999', 'host:80', ':80', '10.0.0.1:']) {
      expect(parseSsEndpoint(bad), bad).toBeUndefined();
    }
  });

  it('prints endpoints back with brackets for IPv6 and * for no port', () => {
    expect(formatEndpoint({ address: 'fd66::1', port: 80 })).toBe('[fd66::1]:80');
    expect(formatEndpoint({ address: '*', port: 0 })).toBe('*:*');
  });
});

describe('parseSs', () => {
  it('reads a client table: counters, RTT, retransmits, process, IPv4 and IPv6', () => {
    const sockets = parseSs(fixture('ss-tinp-client.txt'), 'tcp');
    expect(sockets).toHaveLength(4);
    const data6 = sockets.find((s) => s.local.port === 40802);
    expect(data6).toMatchObject({
      proto: 'tcp',
      state: 'ESTAB',
      local: { address: 'fd66:200::1', port: 40802 },
      remote: { address: 'fd66:200::2', port: 5301 },
      processes: [{ name: 'iperf3', pid: 27674, fd: 5 }],
    });
    expect(data6?.tcp).toMatchObject({
      bytesSent: 95552649,
      bytesAcked: 95551526,
      bytesRetrans: 1124,
      totalRetrans: 1,
      busyMs: 132,
      rwndLimitedMs: 4,
      sndbufLimitedMs: 0,
      rttMs: 0.271,
      rttVarMs: 0.132,
      mss: 1428,
      cwnd: 232,
      congestion: 'bbr',
    });
    const control4 = sockets.find((s) => s.local.port === 41102);
    expect(control4?.tcp).toMatchObject({
      bytesSent: 186,
      bytesReceived: 4,
      totalRetrans: 0,
      appLimited: true,
    });
  });

  it('reads a server table with listeners, IPv4-mapped peers and a process name with spaces', () => {
    const sockets = parseSs(fixture('ss-tainp-server.txt'), 'tcp');
    expect(sockets).toHaveLength(7);
    const listener = sockets.find((s) => s.local.port === 5210);
    expect(listener?.state).toBe('LISTEN');
    expect(listener?.remote).toEqual({ address: '*', port: 0 });
    expect(listener?.processes[0]?.name).toBe('hog net bench -');
    const mapped = sockets.find((s) => s.remote.port === 41108);
    expect(mapped?.local).toEqual({ address: '10.66.200.2', port: 5201 });
    expect(mapped?.remote.address).toBe('10.66.200.1');
    expect(mapped?.tcp?.bytesReceived).toBe(20840485);
  });

  it('reads UDP sockets: bound, wildcard, scoped, shared by two processes; skips garbage', () => {
    const sockets = parseSs(fixture('ss-uapn.txt'), 'udp');
    expect(
      sockets.map((s) => `${formatEndpoint(s.local)} ${s.processes.map((p) => p.pid).join(',')}`),
    ).toEqual(['10.66.200.2:5354 27640', '*:5353 27640', '127.0.0.53:53 400', '[fe80::1]:546 812,813']);
    expect(sockets.every((s) => s.proto === 'udp' && s.state === 'UNCONN' && s.tcp === undefined)).toBe(true);
  });

  it('reads destroyed sockets from ss -E (state UNCONN, final counters, no process)', () => {
    const sockets = parseSs(fixture('ss-E-destroyed.txt'), 'tcp');
    const client = sockets.find((s) => s.local.address === '127.0.0.1' && s.remote.port === 45202);
    expect(client?.tcp?.bytesSent).toBe(10485797);
    expect(client?.processes).toEqual([]);
  });

  it('takes the Netid column when several protocols are listed', () => {
    const line = 'udp   ESTAB  0      0      10.0.0.1:40000 10.0.0.2:53 users:(("dig",pid=9,fd=20))';
    expect(parseSsLine(line, 'tcp')).toMatchObject({
      proto: 'udp',
      remote: { address: '10.0.0.2', port: 53 },
    });
    expect(parseSsLine('u_str ESTAB 0 0 * 1234 * 5678', 'tcp')).toBeUndefined();
    expect(parseSsLine('ESTAB x 0 1.2.3.4:1 5.6.7.8:2', 'tcp')).toBeUndefined();
  });
});

describe('/proc/net socket tables', () => {
  it('decodes little-endian hex addresses, IPv4 and IPv6', () => {
    expect(parseProcHexAddress('0100007F')).toBe('127.0.0.1');
    expect(parseProcHexAddress('000266FD000000000000000002000000')).toBe('fd66:200::2');
    expect(parseProcHexAddress('0000000000000000FFFF000002C8420A')).toBe('10.66.200.2');
    expect(parseProcHexAddress('00000000000000000000000001000000')).toBe('::1');
    expect(parseProcHexAddress('XYZ')).toBeUndefined();
    expect(compressIpv6(['2001', 'db8', '0', '0', '1', '0', '0', '1'])).toBe('2001:db8::1:0:0:1');
  });

  it('reads tcp6: listeners, established IPv6 and IPv4-mapped connections', () => {
    const sockets = parseProcNetSockets(fixture('proc-net-tcp6.txt'), 'tcp');
    expect(sockets).toHaveLength(7);
    expect(sockets.filter((s) => s.state === 'LISTEN').map((s) => s.local)).toEqual([
      { address: '*', port: 5210 },
      { address: '*', port: 5201 },
      { address: '*', port: 5301 },
    ]);
    const v6 = sockets.find((s) => s.remote.port === 0x9f5a);
    expect(v6).toMatchObject({
      family: 6,
      state: 'ESTAB',
      local: { address: 'fd66:200::2', port: 5301 },
      inode: 173110,
    });
    const mapped = sockets.find((s) => s.remote.port === 0xa094);
    expect(mapped?.remote.address).toBe('10.66.200.1');
  });

  it('reads tcp (IPv4) and udp/udp6 with their drop counters', () => {
    const tcp = parseProcNetSockets(fixture('proc-net-tcp.txt'), 'tcp');
    expect(tcp[0]).toMatchObject({
      family: 4,
      state: 'LISTEN',
      local: { address: '*', port: 2024 },
      txQueue: 0,
    });
    const udp = parseProcNetSockets(fixture('proc-net-udp.txt'), 'udp');
    expect(udp[0]).toMatchObject({
      local: { address: '10.66.200.2', port: 5354 },
      state: 'UNCONN',
      drops: 0,
    });
    const udp6 = parseProcNetSockets(fixture('proc-net-udp6.txt'), 'udp');
    expect(udp6[0]).toMatchObject({ family: 6, local: { address: '*', port: 5353 } });
    expect(parseProcNetSockets('  0: nonsense\n', 'udp')).toEqual([]);
  });
});

describe('/proc/net/dev, /proc/net/snmp and link speed', () => {
  it('reads interface counters', () => {
    const ifaces = parseNetDev(fixture('proc-net-dev.txt'));
    expect(ifaces.map((i) => i.name)).toEqual(['lo', 'h6mb']);
    expect(ifaces[1]).toMatchObject({
      rxBytes: 53293072634,
      rxPackets: 903932,
      txBytes: 5934450685,
      txPackets: 308058,
    });
    // a long name leaves no space after the colon
    expect(parseNetDev('verylongname0:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n')[0]).toMatchObject({
      name: 'verylongname0',
      rxBytes: 1,
      txBytes: 9,
    });
    expect(parseNetDev('eth0: 1 2 3\n')).toEqual([]);
  });

  it('reads TCP segment counters', () => {
    const segments = tcpSegments(parseSnmp(fixture('proc-net-snmp.txt')));
    // the fixture's Tcp line: ... InSegs 904005 OutSegs 4295485 RetransSegs 1199 ...
    expect(segments?.outSegs).toBe(4295485);
    expect(segments?.retransSegs).toBe(1199);
    expect(tcpSegments(parseSnmp('Ip: Forwarding\nIp: 1\n'))).toBeUndefined();
  });

  it('reads link speed in Mb/s; -1 and garbage are unknown', () => {
    expect(parseLinkSpeed('1000\n')).toBe(1_000_000_000);
    expect(parseLinkSpeed('-1\n')).toBeUndefined();
    expect(parseLinkSpeed('')).toBeUndefined();
  });
});

describe('addressToBytes', () => {
  it('turns IPv4, IPv6 and IPv4-mapped text into network-order bytes, and back', () => {
    expect([...(addressToBytes('10.66.200.2') ?? [])]).toEqual([10, 66, 200, 2]);
    for (const text of ['fd66:200::2', '::1', '2001:db8::1:0:0:1', 'fe80::1']) {
      expect(addressFromBytes(addressToBytes(text) as Buffer), text).toBe(text);
    }
    expect(addressFromBytes(addressToBytes('::ffff:10.0.0.1') as Buffer)).toBe('10.0.0.1');
    for (const bad of ['', 'host', '1.2.3.999', '1::2::3', '1:2:3'])
      expect(addressToBytes(bad), bad).toBeUndefined();
  });
});
