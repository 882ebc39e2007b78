/**
 * Latency by timing TCP connects: the time from connect() to the SYN-ACK (connected) or the RST
 * (refused) is one round trip to the host's kernel, without ICMP and without root. A connect that
 * gets no answer within the timeout is lost. Statistics as ping prints them, plus p50/p95.
 */
import { Socket } from 'node:net';
import { errnoCode } from '../errors.js';

export type ProbeOutcome = 'connected' | 'refused' | 'timeout' | 'unreachable';

export interface ProbeSample {
  seq: number;
  outcome: ProbeOutcome;
  /** Round-trip time in ms; undefined when no answer came (timeout, unreachable). */
  rttMs: number | undefined;
  error?: string;
}

/** One TCP connect to address:port, closed as soon as it is answered. */
export function connectOnce(
  address: string,
  port: number,
  timeoutMs: number,
  seq: number,
): Promise<ProbeSample> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let done = false;
    const start = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - start) / 1e6;
    const finish = (sample: ProbeSample) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(sample);
    };
    const timer = setTimeout(() => finish({ seq, outcome: 'timeout', rttMs: undefined }), timeoutMs);
    socket.once('connect', () => finish({ seq, outcome: 'connected', rttMs: elapsed() }));
    socket.once('error', (error) => {
      const rtt = elapsed();
      if (errnoCode(error) === 'ECONNREFUSED') finish({ seq, outcome: 'refused', rttMs: rtt });
      else
        finish({
          seq,
          outcome: 'unreachable',
          rttMs: undefined,
          error: `${errnoCode(error) ?? error.message}`,
        });
    });
    socket.connect({ host: address, port, noDelay: true });
  });
}

export interface ProbeStats {
  sent: number;
  answered: number;
  connected: number;
  refused: number;
  lossPercent: number;
  minMs?: number;
  avgMs?: number;
  p50Ms?: number;
  p95Ms?: number;
  maxMs?: number;
  /** Mean absolute difference between consecutive round trips (as RFC 3550 defines jitter, unsmoothed). */
  jitterMs?: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

export function probeStats(samples: readonly ProbeSample[]): ProbeStats {
  const rtts = samples.map((s) => s.rttMs).filter((r): r is number => r !== undefined);
  const sorted = [...rtts].sort((a, b) => a - b);
  const stats: ProbeStats = {
    sent: samples.length,
    answered: rtts.length,
    connected: samples.filter((s) => s.outcome === 'connected').length,
    refused: samples.filter((s) => s.outcome === 'refused').length,
    lossPercent: samples.length === 0 ? 0 : ((samples.length - rtts.length) / samples.length) * 100,
  };
  if (rtts.length > 0) {
    stats.minMs = sorted[0];
    stats.maxMs = sorted[sorted.length - 1];
    stats.avgMs = rtts.reduce((a, b) => a + b, 0) / rtts.length;
    stats.p50Ms = percentile(sorted, 50);
    stats.p95Ms = percentile(sorted, 95);
    if (rtts.length > 1) {
      let sum = 0;
      for (let i = 1; i < rtts.length; i++) sum += Math.abs((rtts[i] as number) - (rtts[i - 1] as number));
      stats.jitterMs = sum / (rtts.length - 1);
    }
  }
  return stats;
}
