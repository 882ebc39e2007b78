/**
 * What limits a TCP sender, from the kernel's "chrono" counters in tcp_info (net/ipv4/tcp.c,
 * tcp_get_info_chrono_stats; added in Linux 4.10 for exactly this question):
 *   busy_time           time with data to send or in flight (includes the two below)
 *   rwnd_limited        part of it stalled on the receiver's advertised window
 *   sndbuf_limited      part of it stalled because the send buffer was too small
 * Over a window of time:
 *   - no data segments sent           -> idle
 *   - rwnd_limited >= half of busy    -> "rwnd": the receiver (its window, i.e. a slow reader)
 *   - sndbuf_limited >= half of busy  -> "sndbuf": raise net.ipv4.tcp_wmem / SO_SNDBUF
 *   - busy < half of the window       -> "app": the sending application had nothing to send most of
 *                                        the time (the network could carry more)
 *   - otherwise                       -> "cwnd": the congestion window, i.e. the network path
 * Retransmit rate: retransmitted segments / data segments sent, over the window.
 */
import type { TcpPoint } from './flowTracker.js';

export type TcpLimit = 'idle' | 'rwnd' | 'sndbuf' | 'app' | 'cwnd';

export interface TcpHealth {
  limit: TcpLimit;
  /** Percent of data segments retransmitted over the window; undefined when nothing was sent. */
  retransPercent: number | undefined;
  retransSegments: number;
  busyPercent: number;
  rwndLimitedPercent: number;
  sndbufLimitedPercent: number;
}

export const LIMIT_MEANING: Record<TcpLimit, string> = {
  idle: 'sent no data in the window',
  rwnd: "limited by the receiver's window: the peer reads too slowly (or its buffer is small)",
  sndbuf: 'limited by the send buffer: raise net.ipv4.tcp_wmem or SO_SNDBUF',
  app: 'limited by the application: it had nothing to send most of the time',
  cwnd: 'limited by the network: the congestion window (bandwidth, loss or latency of the path)',
};

/** Health over the points within `seconds` before the last one. */
export function tcpHealth(points: readonly TcpPoint[], seconds: number): TcpHealth | undefined {
  const last = points[points.length - 1];
  if (!last) return undefined;
  let base: TcpPoint | undefined;
  for (let i = points.length - 2; i >= 0; i--) {
    base = points[i];
    if ((base as TcpPoint).t <= last.t - seconds * 1000) break;
  }
  if (!base) return undefined;
  const elapsedMs = last.t - base.t;
  const segments = last.dataSegsOut - base.dataSegsOut;
  const retrans = Math.max(0, last.totalRetrans - base.totalRetrans);
  const busy = Math.max(0, last.busyMs - base.busyMs);
  const rwnd = Math.max(0, last.rwndLimitedMs - base.rwndLimitedMs);
  const sndbuf = Math.max(0, last.sndbufLimitedMs - base.sndbufLimitedMs);
  const share = (part: number, whole: number) => (whole > 0 ? Math.min(100, (part / whole) * 100) : 0);
  let limit: TcpLimit;
  if (segments <= 0) limit = 'idle';
  else if (rwnd >= busy / 2 && rwnd > 0) limit = 'rwnd';
  else if (sndbuf >= busy / 2 && sndbuf > 0) limit = 'sndbuf';
  else if (busy < elapsedMs / 2) limit = 'app';
  else limit = 'cwnd';
  return {
    limit,
    retransPercent: segments > 0 ? (retrans / segments) * 100 : undefined,
    retransSegments: retrans,
    busyPercent: share(busy, elapsedMs),
    rwndLimitedPercent: share(rwnd, busy),
    sndbufLimitedPercent: share(sndbuf, busy),
  };
}
