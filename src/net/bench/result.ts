/**
 * The client's check of the result a server sends back: the server is a peer too, and its figures go
 * into the report and --json, so they must be what the protocol says (finite, non-negative numbers).
 */
import { UnsupportedError } from '../../errors.js';
import type { IntervalStat, SideResult } from './protocol.js';

const bad = (what: string) =>
  new UnsupportedError(`the bench server sent a result that is not hog net bench's: ${what}`, {
    hint: 'both sides must run the same hog version',
  });

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;

function checkInterval(value: unknown): IntervalStat {
  const i = value as Partial<IntervalStat> | null;
  if (typeof i !== 'object' || i === null || !isCount(i.start) || !isCount(i.end) || !isCount(i.bytes)) {
    throw bad('an interval without start, end and bytes');
  }
  const stat: IntervalStat = { start: i.start, end: i.end, bytes: i.bytes };
  if (i.retransmits !== undefined) {
    if (!isCount(i.retransmits)) throw bad('retransmits that are not a count');
    stat.retransmits = i.retransmits;
  }
  return stat;
}

export function checkResult(value: unknown): SideResult {
  const r = value as Partial<SideResult> | null;
  if (typeof r !== 'object' || r === null) throw bad('no result object');
  if (r.role !== 'sender' && r.role !== 'receiver') throw bad('no role');
  if (!isCount(r.seconds) || !isCount(r.bytes)) throw bad('no seconds or bytes');
  if (!Array.isArray(r.intervals) || !Array.isArray(r.streams)) throw bad('no intervals or streams');
  const result: SideResult = {
    role: r.role,
    seconds: r.seconds,
    bytes: r.bytes,
    intervals: r.intervals.map(checkInterval),
    streams: r.streams.map((s: unknown) => {
      const stream = s as { bytes?: unknown; retransmits?: unknown } | null;
      if (typeof stream !== 'object' || stream === null || !isCount(stream.bytes))
        throw bad('a stream without bytes');
      if (stream.retransmits !== undefined && !isCount(stream.retransmits))
        throw bad('retransmits that are not a count');
      return stream.retransmits === undefined
        ? { bytes: stream.bytes }
        : { bytes: stream.bytes, retransmits: stream.retransmits };
    }),
  };
  if (r.retransmits !== undefined) {
    if (!isCount(r.retransmits)) throw bad('retransmits that are not a count');
    result.retransmits = r.retransmits;
  }
  return result;
}
