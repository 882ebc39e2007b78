/** `tc -s -j qdisc show` parsed: root qdiscs only, by device; children and garbage skipped. */
import { describe, expect, it } from 'vitest';
import { parseQdiscJson } from '../../src/net/qdiscStats.js';

// captured from iproute2 6.1 (lo and a NIC), with an htb root and one of its leaves added
const CAPTURED = `[{"kind":"noqueue","handle":"0:","dev":"lo","root":true,"refcnt":2,"options":{},"bytes":0,"packets":0,"drops":0,"overlimits":0,"requeues":0,"backlog":0,"qlen":0},{"kind":"pfifo_fast","handle":"0:","dev":"eth0","root":true,"refcnt":2,"options":{"bands":3,"priomap":[1,2,2,2,1,2,0,0,1,1,1,1,1,1,1,1],"multiqueue":false},"bytes":677245,"packets":5209,"drops":0,"overlimits":0,"requeues":1,"backlog":0,"qlen":0},{"kind":"htb","handle":"1:","dev":"veth1","root":true,"refcnt":2,"options":{"r2q":10,"default":"0x10","direct_packets_stat":0,"direct_qlen":1000},"bytes":91234567,"packets":60321,"drops":412,"overlimits":9000,"requeues":0,"backlog":181680,"qlen":120},{"kind":"fq_codel","handle":"8001:","parent":"1:10","dev":"veth1","bytes":91234567,"packets":60321,"drops":412,"overlimits":0,"requeues":0,"backlog":181680,"qlen":120}]`;

describe('parseQdiscJson', () => {
  it('keeps each device root qdisc with its drops and backlog', () => {
    const byDev = parseQdiscJson(CAPTURED);
    expect([...byDev.keys()]).toEqual(['lo', 'eth0', 'veth1']);
    expect(byDev.get('veth1')).toEqual({
      dev: 'veth1',
      kind: 'htb',
      drops: 412,
      backlogBytes: 181_680,
      backlogPackets: 120,
    });
    expect(byDev.get('eth0')).toMatchObject({ kind: 'pfifo_fast', drops: 0, backlogPackets: 0 });
  });

  it('gives nothing for output that is not the JSON it expects', () => {
    expect(parseQdiscJson('Error: Cannot find device').size).toBe(0);
    expect(parseQdiscJson('{"dev":"eth0"}').size).toBe(0);
    expect(parseQdiscJson('[null, 3, {"dev":"eth0","root":true}]').size).toBe(0);
  });
});
