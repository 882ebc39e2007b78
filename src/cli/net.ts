/**
 * `hog net`: who moves how much over the network, live (like iftop/nethogs), as one text report
 * (-t, like iftop -t -s N) or as a JSON stream. Subcommands `hog net probe` (latency by TCP connect)
 * and `hog net bench` (throughput, like iperf3) load their code only when used.
 */
import { type Command, Option } from 'commander';
import { NotFoundError, quote, UsageError } from '../errors.js';
import { CaptureSource, loadPcapAddon } from '../net/capture.js';
import { FlowTracker } from '../net/flowTracker.js';
import { readLinkInfo } from '../net/link.js';
import { NetMonitor } from '../net/monitor.js';
import {
  buildRows,
  GROUPS,
  type GroupBy,
  GroupPeaks,
  type NetFilter,
  parseGroupBy,
  parseNetSort,
  SORT_KEYS,
} from '../net/netView.js';
import { readNetDev } from '../net/procNetDev.js';
import { parsePortList, resolveHost } from '../net/resolve.js';
import { NetSampler } from '../net/sampler.js';
import { explainLines } from '../render/explain.js';
import { netColumns } from '../render/netColumns.js';
import { type CliContext, rootsOf } from './context.js';
import { type Run, runLive, runStream, stopSignal } from './netRun.js';
import { addShapingClasses, readShapedDevices } from './netShaping.js';
import { parsePidList, positiveInt, seconds } from './optionValues.js';

interface NetOptions {
  text?: boolean;
  seconds?: number;
  json?: boolean;
  interval: number;
  by: string;
  sort: string;
  port?: number[];
  host?: string;
  pid?: number[];
  proto?: string;
  capture?: string;
  all?: boolean;
  bytes?: boolean;
  top?: number;
  explain?: boolean;
}

const PROTOS = ['tcp', 'udp', 'icmp', 'other'];

const NET_HELP = `
What is counted: by default the kernel's own per-socket TCP counters (tcp_info bytes_sent and
bytes_received, read through sock_diag as ss reads them): TCP payload, no headers, no root needed;
UDP shows in interface totals only. --capture IF counts whole IP packets (headers included) of every
protocol, UDP too.
Interface lines are /proc/net/dev (link-layer frames as the driver counts them).

Keys: c p r i group by connection/process/remote/interface, 1 2 3 sort by 2s/10s/40s, t total,
      n name, / filter, b bits/bytes, a idle connections, space pause, arrows scroll, q quit.

Examples:
  hog net                              live, one row per connection
  hog net --by process                 like nethogs
  hog net -t -s 5 --by remote          one 5-second report per remote host
  hog net --json --port 443 | jq .rows one object per second
  sudo hog net --capture eth0          every protocol, from packets
  hog net probe example.com:443        TCP connect latency
  hog net bench --server / hog net bench HOST   throughput test`;

export function register(program: Command, context: CliContext): void {
  const net = program
    .command('net')
    .description(
      'network traffic per connection, process, remote host and interface: live, -t report or --json',
    )
    .option('-t, --text', 'print one text report after --seconds and exit (like iftop -t -s N)')
    .option(
      '-s, --seconds <N>',
      'how long to measure for -t (default 10) or --json (default: until stopped)',
      seconds('--seconds', { max: 86400 }),
    )
    .option('--json', 'print one JSON object per tick (with -t: one object at the end)')
    .option('-i, --interval <seconds>', 'seconds between samples', seconds('--interval', { max: 3600 }), 1)
    .option('--by <group>', `rows per ${GROUPS.join('|')}`, 'connection')
    .option(
      '--sort <key>',
      `sort by ${SORT_KEYS.join('|')} (2s/10s/40s: average in+out over that window)`,
      '2s',
    )
    .option(
      '--port <ports>',
      'only connections with this local or remote port (comma-separated)',
      parsePortList,
    )
    .option(
      '--host <hosts>',
      'only connections with this host at either end (name or address, comma-separated)',
    )
    .option('--pid <pids>', 'only sockets of these processes (comma-separated)', parsePidList)
    .option('--proto <protos>', `only these protocols: ${PROTOS.join(',')}`)
    .option(
      '--capture <interface>',
      'count packets on this interface with libpcap (every protocol, IP bytes; needs root or CAP_NET_RAW)',
    )
    .option('-a, --all', 'show connections that moved no bytes too')
    .option('--bytes', 'rates in bytes/s instead of bits/s')
    .option('--top <N>', 'with -t or --json: only the first N rows', positiveInt('--top'))
    .option('--explain', 'print what each column means and where its number comes from, then exit')
    .addHelpText('after', NET_HELP)
    .action(async (opts: NetOptions, command: Command) => {
      await runNet(opts, command, context);
    });
  // hog net's own options (--port, -i, -t, --json) and those of probe/bench share names: each
  // command's options are its own, so options after "net" are not taken by hog itself either
  program.enablePositionalOptions();
  net.enablePositionalOptions();
  acceptGlobalOptions(net);

  registerProbe(net, context);
  registerBench(net, context);
}

/** `hog net probe`: its code loads only when used. */
function registerProbe(net: Command, context: CliContext): void {
  const probe = net
    .command('probe')
    .description(
      'latency to HOST:PORT by timing TCP connects (no ICMP, no root): min/avg/p50/p95/max, jitter, loss',
    )
    .argument('<target>', 'HOST:PORT ([IPv6]:PORT)')
    .option('-c, --count <N>', 'number of connects', positiveInt('--count'), 10)
    .option('-i, --interval <seconds>', 'time between connects', seconds('--interval', { max: 60 }), 0.2)
    .option(
      '-W, --timeout <seconds>',
      'a connect not answered within this is lost',
      seconds('--timeout', { max: 60 }),
      1,
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
A connect that is refused (RST) still measures the round trip; a timeout counts as loss.

Examples:
  hog net probe example.com:443
  hog net probe [::1]:22 -c 50 -i 0.05`,
    )
    .action(async (target: string, opts, command: Command) => {
      const { runProbe } = await import('./netProbe.js');
      await runProbe(target, opts, command, context);
    });
  acceptGlobalOptions(probe);
}

/** `hog net bench`: its code loads only when used. */
function registerBench(net: Command, context: CliContext): void {
  const bench = net
    .command('bench')
    .description('throughput test like iperf3: hog net bench --server, then hog net bench HOST[:PORT]')
    .argument('[target]', 'HOST[:PORT] of a hog net bench --server')
    .option('--server', 'wait for clients')
    .option('-p, --port <port>', 'server port (default 5210; 0 picks a free one)')
    .option('--bind <addr>', 'server: listen on this address (default 127.0.0.1); needs a token')
    .option('--token <token>', "the server's token (or HOG_BENCH_TOKEN); a server generates one with --bind")
    .option(
      '--timeout <seconds>',
      'give up on a silent peer after this long (client: each step; server: the handshake)',
      seconds('--timeout', { max: 600 }),
      5,
    )
    .option('-t, --time <seconds>', 'how long to send', seconds('--time', { max: 3600 }), 10)
    .option('-P, --parallel <N>', 'parallel TCP streams', positiveInt('--parallel'), 1)
    .option('-R, --reverse', 'the server sends, the client receives')
    .option(
      '-i, --interval <seconds>',
      'seconds between interval reports',
      seconds('--interval', { max: 60 }),
      1,
    )
    .option('-1, --one-off', 'server: handle one test, then exit')
    .option('--json', 'print the result as JSON')
    .action(async (target: string | undefined, opts, command: Command) => {
      const { runBench } = await import('./netBench.js');
      await runBench(target, opts, command, context);
    });
  acceptGlobalOptions(bench);
}

/** hog's global options, accepted after the command too (positional options would refuse them). */
function acceptGlobalOptions(command: Command): void {
  command.addOption(new Option('--verbose', 'print stack traces').hideHelp());
  for (const root of ['proc', 'sys', 'etc', 'fs']) {
    command.addOption(new Option(`--${root}-root <dir>`).hideHelp());
  }
}

async function buildFilter(opts: NetOptions): Promise<NetFilter> {
  const filter: NetFilter = { all: opts.all === true };
  if (opts.port) filter.ports = opts.port;
  if (opts.pid) filter.pids = opts.pid;
  if (opts.proto) {
    const protos = opts.proto.split(',').map((p) => p.trim().toLowerCase());
    for (const p of protos) {
      if (!PROTOS.includes(p))
        throw new UsageError(`unknown protocol ${quote(p)}`, { hint: `use ${PROTOS.join(', ')}` });
    }
    filter.protos = protos;
  }
  if (opts.host) {
    const hosts = opts.host
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    filter.hosts = (await Promise.all(hosts.map(resolveHost))).flat();
  }
  return filter;
}

function describeFilter(opts: NetOptions): string {
  const parts: string[] = [];
  if (opts.capture) parts.push(`capture ${opts.capture}`);
  if (opts.port) parts.push(`port ${opts.port.join(',')}`);
  if (opts.host) parts.push(`host ${opts.host}`);
  if (opts.pid) parts.push(`pid ${opts.pid.join(',')}`);
  if (opts.proto) parts.push(`proto ${opts.proto}`);
  return parts.join(', ');
}

function openCapture(iface: string, procRoot: string): CaptureSource {
  const known = readNetDev(procRoot).map((i) => i.name);
  if (iface !== 'any' && !known.includes(iface)) {
    throw new NotFoundError(`no interface named ${quote(iface)}`, {
      hint: `interfaces here: ${known.join(', ')} (or any)`,
    });
  }
  return new CaptureSource(loadPcapAddon(), iface);
}

/** --explain: what each column of this grouping means (of every grouping, for the default). */
function explain(by: GroupBy, context: CliContext): void {
  const width = context.output.columns ?? 100;
  for (const g of by === 'connection' ? GROUPS : [by]) {
    context.output.line(`--by ${g}:`);
    context.output.lines(explainLines(netColumns(g), width).map((l) => `  ${l}`));
  }
}

async function runNet(opts: NetOptions, command: Command, context: CliContext): Promise<void> {
  const by = parseGroupBy(opts.by);
  const sort = parseNetSort(opts.sort);
  if (opts.explain) return explain(by, context);
  const filter = await buildFilter(opts);
  const { procRoot, sysRoot } = rootsOf(command);
  const interactive = !opts.text && !opts.json;
  if (interactive && (!context.terminal.outputIsTTY || !context.terminal.inputIsTTY)) {
    throw new UsageError('the live hog net view needs a terminal', {
      hint: 'use hog net -t for a text report, or hog net --json for a stream',
    });
  }
  const capture = opts.capture ? openCapture(opts.capture, procRoot) : undefined;
  const sampler = new NetSampler({ procRoot, clock: context.clock, capture });
  const monitor = new NetMonitor(
    new FlowTracker({ expireIdle: capture !== undefined }),
    capture ? 'capture' : 'sockets',
    (name) => readLinkInfo(name, sysRoot),
  );
  const peaks = new GroupPeaks();
  const tick = async () => {
    monitor.update(await sampler.sample());
    const snapshot = monitor.snapshot();
    addShapingClasses(snapshot.connections, readShapedDevices());
    // group peaks are kept for every grouping, so switching the view shows real peaks
    for (const g of GROUPS) buildRows(snapshot, g, filter, sort, peaks);
    return snapshot;
  };
  const stop = stopSignal(context.clock);
  try {
    const run: Run = {
      interval: opts.interval,
      duration: opts.seconds ?? (opts.text ? 10 : undefined),
      text: opts.text === true,
      json: opts.json === true,
      top: opts.top,
      bytes: opts.bytes === true,
      all: opts.all === true,
      narrowed: describeFilter(opts),
      by,
      sort,
      filter,
      tick,
      peaks,
      stop,
    };
    if (interactive) await runLive(run, context);
    else await runStream(run, context);
  } finally {
    stop.dispose();
    sampler.close();
  }
}
