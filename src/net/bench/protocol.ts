/**
 * The wire protocol of `hog net bench`, on one TCP port:
 *   control connection   JSON lines. Client: {"hello":1,"streams":N,"reverse":bool,"seconds":S,"cookie":C}
 *                        Server: {"ready":true} | {"error":"..."}; once every data stream is in, the
 *                        server says {"start":true}; at the end each side sends {"result":{...}}.
 *   data connection      starts with "HOGD" + the 32-hex-digit cookie + "\n" (37 bytes), then only
 *                        payload, from the sender to the receiver, until the sender closes it.
 * The first byte tells them apart: "{" for control, "H" for data.
 */
export const DEFAULT_BENCH_PORT = 5210;
export const PROTOCOL_VERSION = 1;
export const DATA_MAGIC = 'HOGD';
export const DATA_HEADER_LENGTH = DATA_MAGIC.length + 32 + 1;
/**
 * Bytes per write. iperf3 writes 128 KiB; for Node.js the per-write cost is higher, and 1 MiB writes
 * measured faster on a veth pair (128 KiB: about 75% of iperf3; 512 KiB to 2 MiB: level with it).
 */
export const WRITE_SIZE = 1024 * 1024;

export interface Hello {
  hello: number;
  streams: number;
  reverse: boolean;
  seconds: number;
  intervalSeconds: number;
  cookie: string;
}

export interface IntervalStat {
  /** Seconds since the start of the test. */
  start: number;
  end: number;
  bytes: number;
  /** Retransmitted segments in the interval (sender side only). */
  retransmits?: number;
}

export interface SideResult {
  role: 'sender' | 'receiver';
  seconds: number;
  bytes: number;
  retransmits?: number;
  intervals: IntervalStat[];
  streams: { bytes: number; retransmits?: number }[];
}

export type ControlMessage =
  | Hello
  | { ready: true }
  | { start: true }
  | { result: SideResult }
  | { error: string };

/** Split a stream of JSON lines, calling `onMessage` for each. */
export function lineReader(onMessage: (message: ControlMessage) => void): (chunk: Buffer) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') onMessage(JSON.parse(line) as ControlMessage);
      newline = pending.indexOf('\n');
    }
  };
}

export const encode = (message: ControlMessage): string => `${JSON.stringify(message)}\n`;
