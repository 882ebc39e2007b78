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

type Counter = StreamCounter & { halt?: () => void; stop?: () => Promise<void> };

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** One side's interval figures: bytes, and retransmits when sending, since the previous figure. */
class IntervalTaker {
  readonly intervals: IntervalStat[] = [];
  lastBytes = 0;
  lastTime = 0;

  /** `sockets` only when sending: their retransmits are counted from `lastRetrans` on. */
  constructor(
    private readonly counters: readonly Counter[],
    private readonly sockets: readonly Socket[] | undefined,
    public lastRetrans: number | undefined,
    private readonly onInterval: ((stat: IntervalStat) => void) | undefined,
  ) {}

  total(): number {
    return this.counters.reduce((total, c) => total + c.bytes(), 0);
  }

  async take(end: number): Promise<void> {
    const bytes = this.total();
    const stat: IntervalStat = { start: this.lastTime, end, bytes: bytes - this.lastBytes };
    if (this.sockets) {
      const retrans = await retransmits(this.sockets);
      const now = retrans === undefined ? undefined : sum(retrans);
      if (now !== undefined && this.lastRetrans !== undefined) stat.retransmits = now - this.lastRetrans;
      this.lastRetrans = now;
    }
    this.lastBytes = bytes;
    this.lastTime = end;
    this.push(stat);
  }

  push(stat: IntervalStat): void {
    this.intervals.push(stat);
    this.onInterval?.(stat);
  }
}

export async function runSession(
  streams: readonly BenchStream[],
  options: SessionOptions,
): Promise<SideResult> {
  return options.role === 'sender' ? runSender(streams, options) : runReceiver(streams, options);
}

/** Send on every stream until the time is up, with interval figures on this side's clock. */
async function runSender(streams: readonly BenchStream[], options: SessionOptions): Promise<SideResult> {
  const sockets = streams.map((s) => s.socket);
  const started = performance.now();
  const counters: Counter[] = streams.map((stream) => startSending(stream.socket));
  const baseRetrans = await retransmits(sockets);
  const taker = new IntervalTaker(
    counters,
    sockets,
    baseRetrans === undefined ? undefined : sum(baseRetrans),
    options.onInterval,
  );
  const deadline = options.seconds;
  for (let next = options.intervalSeconds; next < deadline - 1e-6; next += options.intervalSeconds) {
    await sleepUntil(started, next);
    await taker.take(next);
  }
  await sleepUntil(started, deadline);
  // stop writing first, so the figures end where the time does; then the last retransmits
  for (const c of counters) c.halt?.();
  const seconds = (performance.now() - started) / 1000;
  const finalRetrans = await retransmits(sockets);
  await Promise.all(counters.map((c) => c.stop?.()));
  const stat: IntervalStat = { start: taker.lastTime, end: seconds, bytes: taker.total() - taker.lastBytes };
  const finalSum = finalRetrans === undefined ? undefined : sum(finalRetrans);
  if (finalSum !== undefined && taker.lastRetrans !== undefined)
    stat.retransmits = finalSum - taker.lastRetrans;
  taker.push(stat);
  const result: SideResult = {
    role: 'sender',
    seconds,
    bytes: taker.total(),
    intervals: taker.intervals,
    streams: counters.map((c, i) => {
      const s: { bytes: number; retransmits?: number } = { bytes: c.bytes() };
      if (finalRetrans && baseRetrans) s.retransmits = (finalRetrans[i] ?? 0) - (baseRetrans[i] ?? 0);
      return s;
    }),
  };
  if (finalSum !== undefined && baseRetrans) result.retransmits = finalSum - sum(baseRetrans);
  return result;
}

/**
 * Read every stream until the sender closes them all, with interval figures on this side's clock; the
 * last interval ends with the last bytes read.
 */
async function runReceiver(streams: readonly BenchStream[], options: SessionOptions): Promise<SideResult> {
  const started = performance.now();
  let ended = 0;
  let finished = false;
  let allEnded: () => void = () => {};
  const endedPromise = new Promise<void>((resolve) => {
    allEnded = resolve;
  });
  const counters: Counter[] = streams.map((stream) => {
    let done = false;
    const end = () => {
      if (!done && ++ended === streams.length) allEnded();
      done = true;
    };
    stream.socket.once('end', end);
    stream.socket.once('close', end);
    if (stream.socket.readableEnded || stream.socket.destroyed) end();
    return stream.received ?? { bytes: () => 0 };
  });
  const taker = new IntervalTaker(counters, undefined, undefined, options.onInterval);
  void endedPromise.then(() => {
    finished = true;
  });
  for (let next = options.intervalSeconds; !finished; next += options.intervalSeconds) {
    await Promise.race([sleepUntil(started, next), endedPromise]);
    if (finished) break;
    await taker.take(next);
  }
  // the receiver's time ends with the last bytes it read (not with the close that follows)
  const lastAt = streams.reduce((m, s) => Math.max(m, s.received?.lastAt ?? 0), 0);
  const seconds =
    lastAt > started
      ? Math.max(taker.lastTime, (lastAt - started) / 1000)
      : (performance.now() - started) / 1000;
  if (taker.total() > taker.lastBytes || taker.intervals.length === 0) await taker.take(seconds);
  return {
    role: 'receiver',
    seconds,
    bytes: taker.total(),
    intervals: taker.intervals,
    streams: counters.map((c) => ({ bytes: c.bytes() })),
  };
}

function sleepUntil(started: number, second: number): Promise<void> {
  const ms = started + second * 1000 - performance.now();
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
