/** `hog net bench`: the server, or a client that runs one throughput test against it. */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { runBenchClient } from '../net/bench/client.js';
import { DEFAULT_BENCH_PORT, type IntervalStat } from '../net/bench/protocol.js';
import { BENCH_HEADER, bitrate, intervalLine, summaryLines } from '../net/bench/report.js';
import { BenchServer } from '../net/bench/server.js';
import { parseHostPort, parsePort, resolveHost } from '../net/resolve.js';
import { formatRate } from '../render/units.js';
import type { CliContext } from './context.js';

interface BenchOptions {
  server?: boolean;
  port?: string;
  time: number;
  parallel: number;
  reverse?: boolean;
  interval: number;
  oneOff?: boolean;
  json?: boolean;
}

export async function runBench(
  target: string | undefined,
  opts: BenchOptions,
  _command: Command,
  context: CliContext,
) {
  const { output } = context;
  if (opts.server) {
    if (target !== undefined)
      throw new UsageError('hog net bench --server takes no host', { hint: 'use --port to choose the port' });
    const port = opts.port === undefined ? DEFAULT_BENCH_PORT : opts.port === '0' ? 0 : parsePort(opts.port);
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
      },
      opts.oneOff === true,
    );
    const bound = await server.listen(port);
    output.line(`hog net bench server listening on port ${bound}`);
    const stop = () => server.close();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await server.closed();
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    return;
  }
  if (target === undefined) {
    throw new UsageError('hog net bench needs a server to test against, or --server', {
      hint: 'on one host: hog net bench --server; on the other: hog net bench HOST',
    });
  }
  const defaultPort = opts.port === undefined ? DEFAULT_BENCH_PORT : parsePort(opts.port);
  const { host, port } = parseHostPort(target, defaultPort);
  const address = (await resolveHost(host))[0] as string;
  if (!opts.json) {
    output.line(
      `Connecting to ${host} port ${port}: ${opts.parallel} stream(s), ${opts.time} s, ${opts.reverse ? 'reverse (server sends)' : 'client sends'}`,
    );
    output.line(BENCH_HEADER);
  }
  const outcome = await runBenchClient({
    address,
    port,
    seconds: opts.time,
    streams: opts.parallel,
    reverse: opts.reverse === true,
    intervalSeconds: opts.interval,
    onInterval: (stat: IntervalStat) => {
      if (!opts.json) output.line(intervalLine(stat));
    },
  });
  if (opts.json) {
    output.line(
      JSON.stringify(
        {
          host,
          address,
          port,
          streams: opts.parallel,
          reverse: opts.reverse === true,
          sender: { ...outcome.sender, bitsPerSecond: bitrate(outcome.sender) },
          receiver: { ...outcome.receiver, bitsPerSecond: bitrate(outcome.receiver) },
        },
        null,
        2,
      ),
    );
    return;
  }
  output.lines(summaryLines(outcome.sender, outcome.receiver));
}
