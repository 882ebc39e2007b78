/**
 * The kernel log, read from /dev/kmsg (Documentation/ABI/testing/dev-kmsg). Each read() returns one
 * record: "prio,seq,timestamp_us,flags[,...];message\n" followed by " KEY=value" continuation lines.
 * Opened non-blocking, reading stops at EAGAIN (the end). EPIPE means records were overwritten while
 * reading; reading goes on with the next one. Unreadable (EPERM) when kernel.dmesg_restrict=1 and hog
 * is not root.
 */
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { errnoCode } from '../errors.js';

export interface KmsgRecord {
  /** Syslog level 0 (emerg) .. 7 (debug). */
  level: number;
  facility: number;
  sequence: number;
  /** Microseconds since boot (CLOCK_MONOTONIC). */
  timestampMicros: number;
  message: string;
}

export function parseKmsgRecord(text: string): KmsgRecord | undefined {
  const semicolon = text.indexOf(';');
  if (semicolon < 0) return undefined;
  const [prio, seq, ts] = text.slice(0, semicolon).split(',');
  const priority = Number(prio);
  if (!Number.isInteger(priority) || seq === undefined || ts === undefined) return undefined;
  const body = text.slice(semicolon + 1);
  const newline = body.indexOf('\n');
  const message = (newline < 0 ? body : body.slice(0, newline))
    // the kernel escapes non-printable bytes as \xNN
    .replace(/\\x([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return {
    level: priority & 7,
    facility: priority >> 3,
    sequence: Number(seq),
    timestampMicros: Number(ts),
    message,
  };
}

export function readKmsg(path = '/dev/kmsg'): KmsgRecord[] {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const buffer = Buffer.allocUnsafe(16 * 1024);
  const records: KmsgRecord[] = [];
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        const code = errnoCode(error);
        if (code === 'EAGAIN') break;
        if (code === 'EPIPE') continue;
        throw error;
      }
      if (n === 0) break;
      const record = parseKmsgRecord(buffer.toString('utf8', 0, n));
      if (record) records.push(record);
    }
  } finally {
    closeSync(fd);
  }
  return records;
}
