/**
 * /proc/net/snmp: the namespace's protocol counters (RFC 1213/4022 MIB), as `netstat -s` reads them.
 * Each protocol is two lines: "Tcp: Name Name..." then "Tcp: value value...".
 */
import { readProcText } from '../proc/procFile.js';

export type SnmpTable = Map<string, Map<string, number>>;

export function parseSnmp(text: string): SnmpTable {
  const table: SnmpTable = new Map();
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const names = (lines[i] as string).trim().split(/\s+/);
    const values = (lines[i + 1] as string).trim().split(/\s+/);
    const proto = names[0];
    if (proto === undefined || !proto.endsWith(':') || values[0] !== proto) continue;
    if (!values.slice(1).every((v) => /^-?\d+$/.test(v))) continue;
    const row = new Map<string, number>();
    names.slice(1).forEach((name, j) => {
      const value = values[j + 1];
      if (value !== undefined) row.set(name, Number(value));
    });
    table.set(proto.slice(0, -1), row);
    i++;
  }
  return table;
}

/** TCP segments sent and retransmitted since boot, in this network namespace. */
export interface TcpSegments {
  outSegs: number;
  retransSegs: number;
}

export function tcpSegments(table: SnmpTable): TcpSegments | undefined {
  const tcp = table.get('Tcp');
  const outSegs = tcp?.get('OutSegs');
  const retransSegs = tcp?.get('RetransSegs');
  return outSegs === undefined || retransSegs === undefined ? undefined : { outSegs, retransSegs };
}

export function readTcpSegments(procRoot = '/proc'): TcpSegments | undefined {
  return tcpSegments(parseSnmp(readProcText(`${procRoot}/net/snmp`)));
}
