/**
 * `hog net bench`: the server, or a client that runs one throughput test against it. The server
 * listens on loopback unless --bind says otherwise, and then asks clients for a token.
 */
import type { Command } from 'commander';
import { quote, UsageError } from '../errors.js';
import { type ServerAccess, serverAccess } from '../net/bench/access.js';
import { type BenchOutcome, runBenchClient } from '../net/bench/client.js';
import {
  bitrate,
  DEFAULT_BENCH_PORT,
  type IntervalStat,
  MAX_INTERVALS,
  MAX_SECONDS,
  MAX_STREAMS,
} from '../net/bench/protocol.js';
import { BenchServer } from '../net/bench/server.js';
import { checkToken } from '../net/bench/token.js';
import { parseHostPort, parsePort, resolveHost } from '../net/resolve.js';
import { BENCH_HEADER, intervalLine, summaryLines } from '../render/benchReport.js';
import { formatRate } from '../render/units.js';
import type { CliContext } from './context.js';
import type { Output } from './output.js';

interface BenchOptions {
  server?: boolean;
  port?: string;
  bind?: string;
  token?: string;
  timeout: number;
  time: number;
  parallel: number;
  reverse?: boolean;
  interval: number;
  oneOff?: boolean;
  json?: boolean;
}

const TOKEN_ENV = 'HOG_BENCH_TOKEN';

/** --token, else HOG_BENCH_TOKEN (which keeps it out of ps), and where it came from. */
function tokenOption(opts: BenchOptions): { token: string | undefined; from: string } {
  if (opts.token !== undefined) return { token: opts.token, from: '--token' };
  const env = process.env[TOKEN_ENV];
  return { token: env === '' ? undefined : env, from: TOKEN_ENV };
}

/**
 * Peers dropped before a test ran, one line per address and reason at most every 5 s: a peer
 * opening thousands of connections must not flood the terminal.
 */
function dropReporter(output: CliContext['output']): (peer: string, reason: string) => void {
  const last = new Map<string, { at: number; skipped: number }>();
  return (peer, reason) => {
    const key = `${peer} ${reason}`;
    const now = performance.now();
    const seen = last.get(key);
    if (seen && now - seen.at < 5000) {
      seen.skipped++;
      return;
    }
    const more = seen?.skipped ? ` (${seen.skipped} more like it since the last report)` : '';
    if (last.size > 1000) last.clear();
    last.set(key, { at: now, skipped: 0 });
    output.line(`dropped ${peer}: ${reason}${more}`);
  };
}

async function runServer(opts: BenchOptions, context: CliContext): Promise<void> {
  const { output } = context;
  const port = opts.port === undefined ? DEFAULT_BENCH_PORT : opts.port === '0' ? 0 : parsePort(opts.port);
  const { token: given, from } = tokenOption(opts);
  const access = serverAccess(opts.bind, given, from);
  const server = new BenchServer(
    {
      onTest: (client, hello) =>
        output.line(
          `test from ${client}: ${hello.streams} stream(s), ${hello.seconds} s, ${hello.reverse ? 'server sends' : 'client sends'}`,
        ),
      onResult: (client, result) =>
        output.line(
          opts.json
            ? JSON.stringify({ client, result })
            : `done with ${client}: ${result.role} ${formatRate(result.bytes / Math.max(result.seconds, 1e-9))} over ${result.seconds.toFixed(2)} s`,
        ),
      onError: (client, message) => output.error(`hog: test from ${client} aborted: ${message}`),
      onDropped: dropReporter(output),
    },
    {
      oneOff: opts.oneOff === true,
      ...(access.token !== undefined ? { token: access.token } : {}),
      handshakeTimeoutMs: opts.timeout * 1000,
    },
  );
  const bound = await server.listen(port, access.host);
  announceServer(output, access, bound);
  const stop = () => server.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.closed();
  process.removeListener('SIGINT', stop);
  process.removeListener('SIGTERM', stop);
}

/** Where the server listens, and who may connect: loopback only, or clients with the token (printed when generated). */
function announceServer(output: Output, access: ServerAccess, bound: number): void {
  const where = access.host.includes(':') ? `[${access.host}]` : access.host;
  output.line(`hog net bench server listening on ${where} port ${bound}`);
  if (access.loopback && access.token === undefined) {
    output.line('only this host can connect (loopback); --bind ADDR accepts other hosts, with a token');
  } else if (access.generated) {
    output.line(
      `${access.loopback ? '' : 'not loopback: '}clients must give this token (generated; choose one with --token or ${TOKEN_ENV}):`,
    );
    output.line(`  token ${access.token}`);
    output.line(
      `  hog net bench ${access.loopback || !['0.0.0.0', '::'].includes(access.host) ? where : 'HOST'}:${bound} --token ${access.token}`,
    );
  } else {
    output.line(
      `${access.loopback ? '' : 'not loopback: '}clients must give the token (--token or ${TOKEN_ENV})`,
    );
  }
}

/** What the server accepts, checked here first so the user gets the flag's name in the error. */
function checkClientOptions(opts: BenchOptions): void {
  if (!Number.isInteger(opts.time) || opts.time < 1 || opts.time > MAX_SECONDS) {
    throw new UsageError(`--time must be whole seconds, got ${quote(opts.time)}`, {
      hint: `from 1 to ${MAX_SECONDS}`,
    });
  }
  if (opts.parallel > MAX_STREAMS) {
    throw new UsageError(`--parallel out of range: ${quote(opts.parallel)}`, {
      hint: `from 1 to ${MAX_STREAMS}`,
    });
  }
  if (opts.time / opts.interval > MAX_INTERVALS) {
    throw new UsageError(
      `--interval ${opts.interval} over --time ${opts.time} makes more than ${MAX_INTERVALS} intervals`,
      {
        hint: `use --interval ${Math.ceil((opts.time / MAX_INTERVALS) * 100) / 100} or longer`,
      },
    );
  }
}

export async function runBench(
  target: string | undefined,
  opts: BenchOptions,
  _command: Command,
  context: CliContext,
) {
  if (opts.server) {
    if (target !== undefined)
      throw new UsageError('hog net bench --server takes no host', { hint: 'use --port to choose the port' });
    await runServer(opts, context);
    return;
  }
  await runClient(target, opts, context);
}

/** One test against a server: a line per interval, then the summary (or one JSON object). */
async function runClient(target: string | undefined, opts: BenchOptions, context: CliContext): Promise<void> {
  const { output } = context;
  if (opts.bind !== undefined) {
    throw new UsageError('--bind is for the server', { hint: 'hog net bench --server --bind ADDR' });
  }
  checkClientOptions(opts);
  const { token, from } = tokenOption(opts);
  if (token !== undefined) checkToken(token, from);
  if (target === undefined) {
    throw new UsageError('hog net bench needs a server to test against, or --server', {
      hint: 'on one host: hog net bench --server; on the other: hog net bench HOST',
    });
  }
  const defaultPort = opts.port === undefined ? DEFAULT_BENCH_PORT : parsePort(opts.port);
  const { host, port } = parseHostPort(target, defaultPort);
  const [first, ...others] = await resolveHost(host);
  if (!opts.json) {
    output.line(
      `Connecting to ${host} port ${port}: ${opts.parallel} stream(s), ${opts.time} s, ${opts.reverse ? 'reverse (server sends)' : 'client sends'}`,
    );
    output.line(BENCH_HEADER);
  }
  const outcome = await runBenchClient({
    address: first as string,
    otherAddresses: others,
    port,
    seconds: opts.time,
    streams: opts.parallel,
    reverse: opts.reverse === true,
    intervalSeconds: opts.interval,
    ...(token !== undefined ? { token } : {}),
    timeoutMs: opts.timeout * 1000,
    onInterval: (stat: IntervalStat) => {
      if (!opts.json) output.line(intervalLine(stat));
    },
  });
  if (opts.json) {
    output.line(JSON.stringify(benchJson(host, port, opts, outcome), null, 2));
    return;
  }
  output.lines(summaryLines(outcome.sender, outcome.receiver));
}

/** --json: where the test went, and both ends' totals with their bit rates. */
function benchJson(host: string, port: number, opts: BenchOptions, outcome: BenchOutcome): object {
  return {
    host,
    address: outcome.address,
    port,
    streams: opts.parallel,
    reverse: opts.reverse === true,
    sender: { ...outcome.sender, bitsPerSecond: bitrate(outcome.sender) },
    receiver: { ...outcome.receiver, bitsPerSecond: bitrate(outcome.receiver) },
  };
}
