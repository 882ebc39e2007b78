/**
 * /proc/net/dev: per-interface byte and packet counters since the interface came up, for the network
 * namespace of the reading process. Byte counts are what the driver counted: for Ethernet the frame
 * without preamble and FCS, i.e. the link-layer header is included.
 */
import { readProcText } from '../proc/procFile.js';

export interface InterfaceCounters {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

/**
 * Parse the table: two header lines, then "  name: rx(8 numbers) tx(8 numbers)". The kernel pads
 * the name, and with long names or large counters there may be no space after the colon.
 */
export function parseNetDev(text: string): InterfaceCounters[] {
  const interfaces: InterfaceCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.includes('|')) continue;
    const name = line.slice(0, colon).trim();
    const values = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (name === '' || values.length < 16 || values.some((v) => !Number.isFinite(v))) continue;
    const v = (i: number) => values[i] as number;
    interfaces.push({
      name,
      rxBytes: v(0),
      rxPackets: v(1),
      rxErrors: v(2),
      rxDropped: v(3),
      txBytes: v(8),
      txPackets: v(9),
      txErrors: v(10),
      txDropped: v(11),
    });
  }
  return interfaces;
}

export function readNetDev(procRoot = '/proc'): InterfaceCounters[] {
  return parseNetDev(readProcText(`${procRoot}/net/dev`));
}
