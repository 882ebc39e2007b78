/** `hog net probe HOST:PORT`: TCP connect latency, printed like ping. */
import type { Command } from 'commander';
import { connectOnce, type ProbeSample, probeStats } from '../net/connectLatency.js';
import { parseHostPort, resolveHost } from '../net/resolve.js';
import { formatMs, formatPercent } from '../render/units.js';
import type { CliContext } from './context.js';

interface ProbeOptions {
  count: number;
  interval: number;
  timeout: number;
  json?: boolean;
}

export async function runProbe(target: string, opts: ProbeOptions, _command: Command, context: CliContext) {
  const { output, clock } = context;
  const { host, port } = parseHostPort(target);
  const addresses = await resolveHost(host);
  const address = addresses[0] as string;
  const shown = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
  if (!opts.json) output.line(`PROBE ${host}:${port} (${shown}) by TCP connect, ${opts.count} probes`);
  const samples: ProbeSample[] = [];
  for (let seq = 1; seq <= opts.count; seq++) {
    if (seq > 1) await clock.sleep(opts.interval * 1000);
    const sample = await connectOnce(address, port, opts.timeout * 1000, seq);
    samples.push(sample);
    if (opts.json) continue;
    if (sample.rttMs !== undefined) {
      output.line(`${sample.outcome.padEnd(9)} ${shown}: seq=${seq} time=${formatMs(sample.rttMs)}`);
    } else if (sample.outcome === 'timeout') {
      output.line(`timeout   ${shown}: seq=${seq} no answer within ${formatMs(opts.timeout * 1000)}`);
    } else {
      output.line(`${sample.outcome.padEnd(9)} ${shown}: seq=${seq} ${sample.error ?? ''}`.trimEnd());
    }
  }
  const stats = probeStats(samples);
  if (opts.json) {
    output.line(JSON.stringify({ host, address, port, samples, stats }, null, 2));
    return;
  }
  output.line(`--- ${host}:${port} TCP connect statistics ---`);
  output.line(
    `${stats.sent} sent, ${stats.answered} answered (${stats.connected} connected, ${stats.refused} refused), ${formatPercent(stats.lossPercent)} loss`,
  );
  if (stats.answered > 0) {
    const f = (v: number | undefined) => (v === undefined ? '-' : formatMs(v).replace(' ms', ''));
    output.line(
      `rtt min/avg/p50/p95/max = ${f(stats.minMs)}/${f(stats.avgMs)}/${f(stats.p50Ms)}/${f(stats.p95Ms)}/${f(stats.maxMs)} ms, jitter ${stats.jitterMs === undefined ? '-' : formatMs(stats.jitterMs)}`,
    );
  }
  if (stats.answered === 0) context.exitCode = 1;
}
