/**
 * One side of a bench test once its streams are connected: send or receive on every stream for the
 * test's duration, take a figure every interval (bytes, and retransmits from tcp_info when sending),
 * and produce this side's result.
 */
import type { Socket } from 'node:net';
import { unmapAddress } from '../address.js';
import { loadSockDiag, lookupTcpSocket } from '../sockDiag.js';
import { runSs } from '../ssCollector.js';
import { parseSs } from '../ssParse.js';
import type { IntervalStat, SideResult } from './protocol.js';
import { type ReadCounter, type StreamCounter, startSending } from './stream.js';

/**
 * Retransmitted segments so far on these sockets, from tcp_info: through the sock_diag addon when
 * built (no process started while the test runs), else from ss; undefined if neither works.
 */
async function retransmits(sockets: readonly Socket[]): Promise<number[] | undefined> {
  const endpoints = sockets.map((s) => ({
    local: { address: unmapAddress(s.localAddress ?? ''), port: s.localPort ?? 0 },
    remote: { address: unmapAddress(s.remoteAddress ?? ''), port: s.remotePort ?? 0 },
  }));
  const diag = loadSockDiag();
  if (diag) return endpoints.map((e) => lookupTcpSocket(diag, e.local, e.remote)?.tcp?.totalRetrans ?? 0);
  try {
    const records = parseSs(await runSs(['-tinOH']), 'tcp');
    return endpoints.map((e) => {
      const r = records.find((x) => x.local.port === e.local.port && x.remote.port === e.remote.port);
      return r?.tcp?.totalRetrans ?? 0;
    });
  } catch {
    return undefined;
  }
}

/** A data stream of the test: its socket and, when receiving, its count of bytes read. */
export interface BenchStream {
  socket: Socket;
  received?: ReadCounter;
}

export interface SessionOptions {
  role: 'sender' | 'receiver';
  seconds: number;
  intervalSeconds: number;
  /** Called with each interval's figure as it is taken. */
  onInterval?: (stat: IntervalStat) => void;
}

export async function runSession(
  streams: readonly BenchStream[],
  options: SessionOptions,
): Promise<SideResult> {
  const sockets = streams.map((s) => s.socket);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const intervals: IntervalStat[] = [];
  let ended = 0;
  let allEnded: () => void = () => {};
  const endedPromise = new Promise<void>((resolve) => {
    allEnded = resolve;
  });
  const counters: (StreamCounter & { halt?: () => void; stop?: () => Promise<void> })[] = streams.map(
    (stream) => {
      if (options.role === 'sender') return startSending(stream.socket);
      let done = false;
      const end = () => {
        if (!done && ++ended === streams.length) allEnded();
        done = true;
      };
      stream.socket.once('end', end);
      stream.socket.once('close', end);
      if (stream.socket.readableEnded || stream.socket.destroyed) end();
      return stream.received ?? { bytes: () => 0 };
    },
  );
  const total = () => counters.reduce((sum, c) => sum + c.bytes(), 0);
  const sending = options.role === 'sender';
  const baseRetrans = sending ? await retransmits(sockets) : undefined;
  let lastBytes = 0;
  let lastTime = 0;
  let lastRetrans = baseRetrans?.reduce((a, b) => a + b, 0);
  const take = async (end: number) => {
    const bytes = total();
    const stat: IntervalStat = { start: lastTime, end, bytes: bytes - lastBytes };
    if (sending) {
      const now = (await retransmits(sockets))?.reduce((a, b) => a + b, 0);
      if (now !== undefined && lastRetrans !== undefined) stat.retransmits = now - lastRetrans;
      lastRetrans = now;
    }
    lastBytes = bytes;
    lastTime = end;
    intervals.push(stat);
    options.onInterval?.(stat);
  };

  // interval figures on the sender's clock until the time is up; the receiver reads until the
  // sender closes (its last interval then ends at the close)
  const deadline = options.seconds;
  let next = options.intervalSeconds;
  if (sending) {
    while (next < deadline - 1e-6) {
      await sleepUntil(started, next);
      await take(next);
      next += options.intervalSeconds;
    }
    await sleepUntil(started, deadline);
    // stop writing first, so the figures end where the time does; then the last retransmits
    for (const c of counters) c.halt?.();
    const seconds = elapsed();
    const finalRetrans = await retransmits(sockets);
    await Promise.all(counters.map((c) => c.stop?.()));
    const stat: IntervalStat = { start: lastTime, end: seconds, bytes: total() - lastBytes };
    const sum = finalRetrans?.reduce((a, b) => a + b, 0);
    if (sum !== undefined && lastRetrans !== undefined) stat.retransmits = sum - lastRetrans;
    intervals.push(stat);
    options.onInterval?.(stat);
    const result: SideResult = {
      role: 'sender',
      seconds,
      bytes: total(),
      intervals,
      streams: counters.map((c, i) => {
        const s: { bytes: number; retransmits?: number } = { bytes: c.bytes() };
        if (finalRetrans && baseRetrans) s.retransmits = (finalRetrans[i] ?? 0) - (baseRetrans[i] ?? 0);
        return s;
      }),
    };
    if (sum !== undefined && baseRetrans) result.retransmits = sum - baseRetrans.reduce((a, b) => a + b, 0);
    return result;
  }
  let finished = false;
  void endedPromise.then(() => {
    finished = true;
  });
  while (!finished) {
    const wake = sleepUntil(started, next);
    await Promise.race([wake, endedPromise]);
    if (finished) break;
    await take(next);
    next += options.intervalSeconds;
  }
  // the receiver's time ends with the last bytes it read (not with the close that follows)
  const lastAt = Math.max(0, ...streams.map((s) => s.received?.lastAt ?? 0));
  const seconds = lastAt > started ? Math.max(lastTime, (lastAt - started) / 1000) : elapsed();
  if (total() > lastBytes || intervals.length === 0) await take(seconds);
  return {
    role: 'receiver',
    seconds,
    bytes: total(),
    intervals,
    streams: counters.map((c) => ({ bytes: c.bytes() })),
  };
}

function sleepUntil(started: number, second: number): Promise<void> {
  const ms = started + second * 1000 - performance.now();
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
