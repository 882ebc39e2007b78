/**
 * Rates of TCP connections between two ticks, from their cumulative tcp_info byte counters (the same
 * observations `hog net` uses), and the top few by traffic. A counter that went backwards is a reused
 * 4-tuple (a new socket): it counts from zero.
 */
import { formatEndpoint } from '../net/address.js';
import type { FlowObservation } from '../net/flowTracker.js';
import type { ConnectionSample } from '../store/serveTick.js';

export class ConnectionRates {
  private previous = new Map<string, { rx: number; tx: number; at: number }>();

  /** The `limit` busiest connections now (then by the most bytes), with rates since the last call. */
  update(observations: readonly FlowObservation[], atMs: number, limit: number): ConnectionSample[] {
    const next = new Map<string, { rx: number; tx: number; at: number }>();
    const rows: (ConnectionSample & { total: number })[] = [];
    for (const o of observations) {
      if (o.closed) continue;
      const local = formatEndpoint(o.local);
      const remote = formatEndpoint(o.remote);
      const key = `${o.proto} ${local} ${remote}`;
      const before = this.previous.get(key);
      next.set(key, { rx: o.rxBytes, tx: o.txBytes, at: atMs });
      const seconds = before ? (atMs - before.at) / 1000 : 0;
      const rate = (now: number, then: number | undefined) =>
        then === undefined || seconds <= 0 ? 0 : Math.max(0, now >= then ? now - then : now) / seconds;
      const owner = o.processes?.[0];
      rows.push({
        proto: o.proto,
        local,
        remote,
        state: o.state ?? '',
        pid: owner?.pid ?? null,
        process: owner?.name ?? '',
        rxBytesPerSecond: rate(o.rxBytes, before?.rx),
        txBytesPerSecond: rate(o.txBytes, before?.tx),
        total: o.rxBytes + o.txBytes,
      });
    }
    this.previous = next;
    rows.sort(
      (a, b) =>
        b.rxBytesPerSecond + b.txBytesPerSecond - (a.rxBytesPerSecond + a.txBytesPerSecond) ||
        b.total - a.total,
    );
    return rows.slice(0, limit).map(({ total: _total, ...row }) => row);
  }
}
