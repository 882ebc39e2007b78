/**
 * `hog serve`: record the machine's memory, disk and network into the store, serve the dashboard, the
 * JSON API and /metrics. `--install-unit` prints (or writes with --write) a hardened systemd unit.
 */
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import type { Command } from 'commander';
import { type Clock, realClock } from '../clock.js';
import { devicesToSkip } from '../disk/roots.js';
import { createDoctorContext } from '../doctor/context.js';
import { CHECKS } from '../doctor/registry.js';
import { runChecks } from '../doctor/run.js';
import { errnoCode, PermissionError, UsageError } from '../errors.js';
import type { ApiContext } from '../serve/api.js';
import { ServeCollector } from '../serve/collector.js';
import { findingRows, SERVE_CHECKS } from '../serve/findings.js';
import { EventStreams } from '../serve/http/events.js';
import { type RunningServer, type ServerOptions, startServer } from '../serve/http/server.js';
import { createMetrics } from '../serve/metrics.js';
import { ServeRecorder } from '../serve/recorder.js';
import { ServeScanner } from '../serve/scanner.js';
import { defaultDbPath } from '../store/paths.js';
import { runState, selfIdentity } from '../store/runState.js';
import { Store } from '../store/store.js';
import { type CliContext, type Roots, rootsOf } from './context.js';
import { parsePid } from './optionValues.js';
import type { Output } from './output.js';
import { type ServeFlags, scanRootsOf, serveOptions, tokenOf } from './serveOptions.js';
import { installUnit } from './serveUnit.js';
import { stopOnSignals } from './stopSignals.js';

/** The first scan waits this long, so the recorder's first ticks are not behind a cold walk. */
export const FIRST_SCAN_AFTER_MS = 2000;
/** Walker threads of a serve scan: a background job, not an incident's `hog disk`. */
export const SCAN_THREADS = 4;

export function register(program: Command, context: CliContext): void {
  const command = program
    .command('serve')
    .description('record memory, disk and network history; serve a dashboard, a JSON API and /metrics');
  serveOptions(command)
    .addHelpText(
      'after',
      `
Bound to 127.0.0.1 by default, without a token. Any other --host needs a token (given, from
$HOG_SERVE_TOKEN, or generated and printed): clients send "Authorization: Bearer TOKEN".
The API is described in docs/api.md.

Examples:
  hog serve                                  http://127.0.0.1:7070/, a sample every 5 s
  hog serve --interval 1s --watch 1234       also record PID 1234 whatever its size
  hog serve --scan /var --scan-every 1h      the dashboard's treemap and categories of /var
  hog serve --host 0.0.0.0 --open-metrics    for Prometheus on other machines (token for the rest)
  hog serve --install-unit --write           a hardened systemd service`,
    )
    .action(async (flags: ServeFlags, command: Command) => {
      if (flags.installUnit) return installUnit(flags, scanRootsOf(flags), context);
      await serve(flags, context, command);
    });
}

/** The real clock, its sleep cut short when serve stops (so exit does not wait out an interval). */
function stoppableClock(signal: AbortSignal): Clock {
  return { ...realClock, sleep: (ms) => realClock.sleep(ms, signal) };
}

/** The doctor's fast checks, as serve keeps them (doctor is serve's peer: the CLI wires them). */
function findingsSource(roots: Roots, dbPath: string, clock: Clock) {
  return async () => {
    const doctorContext = createDoctorContext({ ...roots, fsRoot: '' }, clock);
    doctorContext.dbPath = dbPath;
    const report = await runChecks(
      CHECKS.filter((c) => SERVE_CHECKS.includes(c.id)),
      doctorContext,
    );
    return findingRows(report.findings);
  };
}

/** Listen, with the usual failures said the hog way. */
async function listen(options: ServerOptions): Promise<RunningServer> {
  try {
    return await startServer(options);
  } catch (error) {
    const code = errnoCode(error);
    const where = `${options.host}:${options.port}`;
    if (code === 'EADDRINUSE')
      throw new UsageError(`${where} is already in use`, {
        hint: 'choose another --port (0: any free one)',
        cause: error,
      });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      throw new UsageError(`cannot listen on ${where}: no such address on this machine`, {
        hint: 'give --host an address of this machine (ip -br addr), or 127.0.0.1',
        cause: error,
      });
    if (code === 'EACCES')
      throw new PermissionError(`not allowed to listen on ${where}`, {
        hint: 'ports below 1024 need root or CAP_NET_BIND_SERVICE; choose a --port from 1024',
        cause: error,
      });
    throw error;
  }
}

async function serve(flags: ServeFlags, context: CliContext, command: Command): Promise<void> {
  const roots = rootsOf(command);
  const watch = flags.watch.map(parsePid);
  const token = tokenOf(flags);
  const scanRoots = scanRootsOf(flags);
  const intervalMs = Math.round(flags.interval * 1000);
  const dbPath = flags.db ?? defaultDbPath();
  const store = Store.openForWriting(dbPath);
  const stops = stopOnSignals();
  try {
    const runId = startServeRun(store, flags, watch, intervalMs, context.clock);
    const db = store.connection();
    const clock = stoppableClock(stops.signal);
    const log = (line: string) => context.output.error(line);
    const recorder = serveRecorder(db, flags, { roots, dbPath, watch, intervalMs, clock, log });
    const scanner =
      scanRoots.length > 0
        ? serveScanner(db, scanRoots, flags, { procRoot: roots.procRoot, clock, log, signal: stops.signal })
        : undefined;
    const api: ApiContext = { db, dbPath, clock, procRoot: roots.procRoot, status: recorder.status };
    const events = new EventStreams();
    recorder.onTick((t) => events.sample(t));
    try {
      const server = await listen({
        host: flags.host,
        port: flags.port,
        token,
        openMetrics: flags.openMetrics === true,
        webDir: flags.webDir ?? fileURLToPath(new URL('../web', import.meta.url)),
        api,
        metrics: createMetrics(api),
        events,
        log,
      });
      announce(context.output, flags, server.port, dbPath, token);
      try {
        await Promise.all([recorder.run(stops.signal), scanner?.run(stops.signal)]);
      } finally {
        await server.close();
      }
    } finally {
      store.endRun(runId, { endedAt: context.clock.now() });
    }
  } finally {
    stops.dispose();
    store.close();
  }
}

/** The serve run in the store; one IMMEDIATE transaction, so two hog serve starting at once cannot both pass the check. */
function startServeRun(
  store: Store,
  flags: ServeFlags,
  watch: number[],
  intervalMs: number,
  clock: Clock,
): number {
  return store.transaction(() => {
    refuseSecondRecorder(store, clock.now());
    return store.createRun({
      kind: 'serve',
      command: `hog serve --host ${flags.host} --port ${flags.port}`,
      host: hostname(),
      startedAt: clock.now(),
      intervalMs,
      options: { recorder: selfIdentity(), top: flags.top, watch },
    });
  });
}

interface RecorderWiring {
  roots: Roots;
  dbPath: string;
  watch: number[];
  intervalMs: number;
  clock: Clock;
  log: (line: string) => void;
}

/** The recorder of samples and findings, with its collector and retention from the options. */
function serveRecorder(db: Database.Database, flags: ServeFlags, wiring: RecorderWiring): ServeRecorder {
  const { roots, clock } = wiring;
  const collector = new ServeCollector({
    ...roots,
    clock,
    top: flags.top,
    watch: wiring.watch,
    connections: flags.connections,
  });
  return new ServeRecorder(db, collector, {
    clock,
    intervalMs: wiring.intervalMs,
    retention: {
      rawMs: flags.retentionRaw * 1000,
      minuteMs: flags.retentionMinute * 1000,
      maxBytes: flags.maxDbSize,
    },
    log: wiring.log,
    findings: findingsSource(roots, wiring.dbPath, clock),
  });
}

/** The --scan directories' scanner: every --scan-every, the first soon after the start. */
function serveScanner(
  db: Database.Database,
  scanRoots: string[],
  flags: ServeFlags,
  wiring: { procRoot: string; clock: Clock; log: (line: string) => void; signal: AbortSignal },
): ServeScanner {
  return new ServeScanner(db, {
    roots: scanRoots,
    everyMs: flags.scanEvery * 1000,
    firstAfterMs: FIRST_SCAN_AFTER_MS,
    clock: wiring.clock,
    skipDevs: devicesToSkip(scanRoots, wiring.procRoot),
    log: wiring.log,
    threads: SCAN_THREADS,
    signal: wiring.signal,
  });
}

/** Where the dashboard is, and the token when there is one. */
function announce(
  output: Output,
  flags: ServeFlags,
  port: number,
  dbPath: string,
  token: string | undefined,
): void {
  const shown = flags.host.includes(':') ? `[${flags.host}]` : flags.host;
  output.line(`hog serve: http://${shown}:${port}/ (recording every ${flags.interval}s into ${dbPath})`);
  if (token !== undefined) output.line(`token: ${token}`);
}

/** Two recorders into one store would write the same ticks twice: the second is refused. */
function refuseSecondRecorder(store: Store, now: number): void {
  for (const run of store.listRuns(50)) {
    if (run.kind === 'serve' && runState(run, now) === 'running') {
      throw new UsageError(
        `hog serve (PID ${run.recorder?.pid ?? '?'}) is already recording into ${store.path}`,
        {
          hint: 'stop it first, or record into another store with --db FILE',
        },
      );
    }
  }
}
