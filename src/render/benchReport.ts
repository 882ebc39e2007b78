/** `hog net bench` results as iperf3 prints them: one line per interval, then sender and receiver. */
import type { IntervalStat, SideResult } from '../net/bench/protocol.js';
import { formatBytes, formatRate } from './units.js';

const span = (start: number, end: number) =>
  `${start.toFixed(2).padStart(6)}-${end.toFixed(2).padEnd(6)} sec`;

export const BENCH_HEADER = '[ ID] Interval           Transfer     Bitrate         Retr';

export function intervalLine(stat: IntervalStat): string {
  const seconds = stat.end - stat.start;
  const rate = seconds > 0 ? stat.bytes / seconds : 0;
  const retr = stat.retransmits === undefined ? '' : String(stat.retransmits).padStart(5);
  return `[SUM] ${span(stat.start, stat.end)}  ${formatBytes(stat.bytes).padStart(10)}  ${formatRate(rate).padStart(12)}  ${retr}`.trimEnd();
}

export function summaryLines(sender: SideResult, receiver: SideResult): string[] {
  const line = (r: SideResult, label: string) => {
    const rate = r.seconds > 0 ? r.bytes / r.seconds : 0;
    const retr = r.retransmits === undefined ? ''.padStart(5) : String(r.retransmits).padStart(5);
    return `[SUM] ${span(0, r.seconds)}  ${formatBytes(r.bytes).padStart(10)}  ${formatRate(rate).padStart(12)}  ${label === 'receiver' ? '     ' : retr}  ${label}`;
  };
  return [
    '- - - - - - - - - - - - - - - - - - - - - - - - -',
    BENCH_HEADER,
    line(sender, 'sender'),
    line(receiver, 'receiver'),
  ];
}
