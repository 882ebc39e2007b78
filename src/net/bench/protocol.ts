/**
 * The wire protocol of `hog net bench`, on one TCP port:
 *   control connection   JSON lines. Client: {"hello":1,"streams":N,"reverse":bool,"seconds":S,
 *                        "intervalSeconds":I,"cookie":C[,"token":T]} (checked field by field: hello.ts)
 *                        Server: {"ready":true} | {"error":"...","code":"..."}; once every data stream is in, the
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

/** What a hello may ask for: iperf3's -P stops at 128; hog's per-address connection cap follows this. */
export const MAX_STREAMS = 64;
/** Whole seconds a test may last (the client's --time allows the same). */
export const MAX_SECONDS = 3600;
export const MAX_INTERVAL_SECONDS = 60;
/** Interval figures in one result: keeps the result line (about 90 bytes a figure) under 1 MiB. */
export const MAX_INTERVALS = 10_000;
/** The server reads control lines up to this long; a hello is about 150 bytes. */
export const MAX_CONTROL_LINE = 4 * 1024;
/** The client reads the server's lines (the result, with its intervals) up to this long. */
export const MAX_RESULT_LINE = 2 * 1024 * 1024;

export interface Hello {
  hello: number;
  streams: number;
  reverse: boolean;
  seconds: number;
  intervalSeconds: number;
  cookie: string;
  /** The server's token, when it asks for one (bound beyond loopback, or started with --token). */
  token?: string;
}

/** Why a server refused a hello, for the client's exit code: bad input, a token, or busy. */
export type RefusalCode = 'invalid' | 'token' | 'busy' | 'version';

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
  | { error: string; code?: RefusalCode };

/** A peer sent a line longer than the reader takes: it is dropped, nothing more is buffered. */
export class LineTooLong extends Error {
  constructor(readonly limit: number) {
    super(`a control line longer than ${limit} bytes`);
  }
}

/**
 * Split a stream of JSON lines, calling `onMessage` with each parsed line (unknown: the caller checks
 * it). Holds at most `maxLine` bytes of an unfinished line: beyond that it throws LineTooLong at once,
 * so a peer that never sends a newline costs `maxLine` bytes, not everything it sends. A line that is
 * not JSON throws SyntaxError.
 */
export function lineReader(onMessage: (message: unknown) => void, maxLine: number): (chunk: Buffer) => void {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  return (chunk) => {
    let from = 0;
    for (let newline = chunk.indexOf(10, from); newline >= 0; newline = chunk.indexOf(10, from)) {
      if (pendingLength + newline - from > maxLine) throw new LineTooLong(maxLine);
      pending.push(chunk.subarray(from, newline));
      const line = Buffer.concat(pending).toString('utf8').trim();
      pending = [];
      pendingLength = 0;
      from = newline + 1;
      if (line !== '') onMessage(JSON.parse(line));
    }
    if (pendingLength + chunk.length - from > maxLine) throw new LineTooLong(maxLine);
    // a copy: the chunk may be a shared read buffer that the next read overwrites
    if (from < chunk.length) pending.push(Buffer.from(chunk.subarray(from)));
    pendingLength += chunk.length - from;
  };
}

export const encode = (message: ControlMessage): string => `${JSON.stringify(message)}\n`;

/** Bits per second of one side over its whole time. */
export const bitrate = (r: SideResult) => (r.seconds > 0 ? (r.bytes * 8) / r.seconds : 0);
