/**
 * `hog serve`: record the machine's memory, disk and network into the store, serve the dashboard, the
 * JSON API and /metrics. `--install-unit` prints (or writes with --write) a hardened systemd unit.
 */
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import { type Clock, realClock } from '../clock.js';
import { pseudoDevices } from '../disk/filesystems.js';
import { checkRoot } from '../disk/roots.js';
import { createDoctorContext } from '../doctor/context.js';
import { CHECKS } from '../doctor/registry.js';
import { runChecks } from '../doctor/run.js';
import { errnoCode, NotFoundError, PermissionError, quote, UsageError } from '../errors.js';
import { readMountinfo } from '../proc/mountinfo.js';
import type { ApiContext } from '../serve/api.js';
import { ServeCollector } from '../serve/collector.js';
import { findingRows, SERVE_CHECKS } from '../serve/findings.js';
import { generateToken, isLoopbackHost } from '../serve/http/auth.js';
import { EventStreams } from '../serve/http/events.js';
import { type RunningServer, type ServerOptions, startServer } from '../serve/http/server.js';
import { createMetrics } from '../serve/metrics.js';
import { ServeRecorder } from '../serve/recorder.js';
import { ServeScanner } from '../serve/scanner.js';
import { UNIT_PATH, unitFile } from '../serve/unit.js';
import { ensureDirectory } from '../store/open.js';
import { defaultDbPath } from '../store/paths.js';
import { runState, selfIdentity } from '../store/runState.js';
import { DEFAULT_RETENTION } from '../store/serveRetention.js';
import { Store } from '../store/store.js';
import { type CliContext, type Roots, rootsOf } from './context.js';
import {
  collect,
  durationValue,
  nonNegativeInt,
  parsePid,
  positiveInt,
  seconds,
  sizeValue,
} from './optionValues.js';
import { stopOnSignals } from './stopSignals.js';

interface ServeFlags {
  host: string;
  port: number;
  db?: string;
  interval: number;
  token?: string;
  openMetrics?: boolean;
  top: number;
  watch: string[];
  retentionRaw: number;
  retentionMinute: number;
  maxDbSize: number;
  webDir?: string;
  connections: number;
  installUnit?: boolean;
  write?: boolean;
  scan: string[];
  scanEvery: number;
}

/** Time between --scan scans, seconds. */
export const DEFAULT_SCAN_EVERY_S = 6 * 3600;
/** The first scan waits this long, so the recorder's first ticks are not behind a cold walk. */
export const FIRST_SCAN_AFTER_MS = 2000;
/** Walker threads of a serve scan: a background job, not an incident's `hog disk`. */
export const SCAN_THREADS = 4;

/** Where `--install-unit` puts the store unless --db says otherwise (ProtectHome hides ~). */
export const UNIT_DB_PATH = '/var/lib/hog/hog.db';

function port(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`--port must be 0 to 65535, got ${quote(text)}`);
  return n;
}

/** An option whose default shows in --help as the user would write it ("24h", not 86400). */
function withDefault<T>(
  flags: string,
  description: string,
  parse: (text: string, previous: T) => T,
  value: T,
  shown: string,
): Option {
  return new Option(flags, description).argParser(parse).default(value, shown);
}

export function register(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description('record memory, disk and network history; serve a dashboard, a JSON API and /metrics')
    .option('--host <addr>', 'address to listen on (anything but loopback needs a token)', '127.0.0.1')
    .option('--port <n>', 'port (0: any free one)', port, 7070)
    .option('--db <file>', 'the store (default $HOG_DB or ~/.local/share/hog/hog.db)')
    .addOption(
      withDefault(
        '--interval <time>',
        'time between samples (e.g. 1s, 5s)',
        seconds('--interval', { max: 3600 }),
        5,
        '5s',
      ),
    )
    .option('--token <token>', 'the token clients must send (default: $HOG_SERVE_TOKEN, or generated)')
    .option('--open-metrics', '/metrics without the token (for Prometheus)')
    .option('--top <n>', 'processes recorded per sample, by RSS', positiveInt('--top'), 20)
    .addOption(
      withDefault(
        '--watch <pid>',
        'also record this PID whatever its size (repeatable)',
        collect,
        [],
        'none',
      ),
    )
    .option(
      '--connections <n>',
      'connections kept in the snapshot (0: none)',
      nonNegativeInt('--connections'),
      20,
    )
    .addOption(
      withDefault(
        '--retention-raw <time>',
        'keep every sample this long',
        durationValue('--retention-raw'),
        DEFAULT_RETENTION.rawMs / 1000,
        '24h',
      ),
    )
    .addOption(
      withDefault(
        '--retention-minute <time>',
        'keep 1-minute averages this long',
        durationValue('--retention-minute'),
        DEFAULT_RETENTION.minuteMs / 1000,
        '30d',
      ),
    )
    .addOption(
      withDefault(
        '--max-db-size <size>',
        'drop the oldest history beyond this size',
        sizeValue('--max-db-size'),
        DEFAULT_RETENTION.maxBytes,
        '1G',
      ),
    )
    .addOption(
      withDefault(
        '--scan <dir>',
        'also scan this directory now and then, as hog disk -x (repeatable)',
        collect,
        [],
        'none',
      ),
    )
    .addOption(
      withDefault(
        '--scan-every <time>',
        'time between --scan scans',
        durationValue('--scan-every'),
        DEFAULT_SCAN_EVERY_S,
        '6h',
      ),
    )
    .option('--web-dir <dir>', "the dashboard's files (default: dist/web beside hog)")
    .option('--install-unit', 'print a systemd unit for hog serve (with these options)')
    .option('--write', `--install-unit: write it to ${UNIT_PATH}`)
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
      if (flags.installUnit) return installUnit(flags, context);
      await serve(flags, context, command);
    });
}

function installUnit(flags: ServeFlags, context: CliContext): void {
  const dbPath = flags.db ?? UNIT_DB_PATH;
  const hogPath = process.argv[1] && existsSync(process.argv[1]) ? process.argv[1] : '/usr/local/bin/hog';
  const extra: string[] = [];
  if (flags.openMetrics) extra.push('--open-metrics');
  if (flags.top !== 20) extra.push('--top', String(flags.top));
  if (flags.connections !== 20) extra.push('--connections', String(flags.connections));
  if (flags.retentionRaw * 1000 !== DEFAULT_RETENTION.rawMs)
    extra.push('--retention-raw', `${flags.retentionRaw}s`);
  if (flags.retentionMinute * 1000 !== DEFAULT_RETENTION.minuteMs)
    extra.push('--retention-minute', `${flags.retentionMinute}s`);
  if (flags.maxDbSize !== DEFAULT_RETENTION.maxBytes) extra.push('--max-db-size', String(flags.maxDbSize));
  for (const dir of scanRootsOf(flags)) extra.push('--scan', dir);
  if (flags.scan.length > 0 && flags.scanEvery !== DEFAULT_SCAN_EVERY_S)
    extra.push('--scan-every', `${flags.scanEvery}s`);
  // never --token: the unit file is world-readable and ExecStart shows in ps; HOG_SERVE_TOKEN goes in
  // a drop-in (systemctl edit hog) instead
  const text = unitFile({
    hogPath: hogPath.endsWith('.js') ? fileURLToPath(new URL('../../bin/hog', import.meta.url)) : hogPath,
    dbPath,
    host: flags.host,
    port: flags.port,
    interval: `${flags.interval}s`,
    extra,
  });
  if (!flags.write) {
    context.output.write(text);
    return;
  }
  // the unit's ReadWritePaths must exist when the service starts
  ensureDirectory(dirname(dbPath));
  const temporary = `${UNIT_PATH}.hog-tmp`;
  writeFileSync(temporary, text, { mode: 0o644 });
  renameSync(temporary, UNIT_PATH);
  context.output.line(
    `hog serve: wrote ${UNIT_PATH}; now: systemctl daemon-reload && systemctl enable --now hog`,
  );
  if (!isLoopbackHost(flags.host))
    context.output.line(
      'note: with this --host, hog serve prints a new token at each start (see journalctl -u hog); set HOG_SERVE_TOKEN with systemctl edit hog to keep one',
    );
}

/** The real clock, its sleep cut short when serve stops (so exit does not wait out an interval). */
function stoppableClock(signal: AbortSignal): Clock {
  return { ...realClock, sleep: (ms) => realClock.sleep(ms, signal) };
}

/** The token in force: given, from the environment, or generated when the bind is not loopback. */
function tokenOf(flags: ServeFlags): string | undefined {
  const token =
    flags.token ?? process.env.HOG_SERVE_TOKEN ?? (isLoopbackHost(flags.host) ? undefined : generateToken());
  if (token !== undefined && !/^[\x21-\x7e]{16,512}$/.test(token))
    throw new UsageError('the token must be 16 to 512 printable ASCII characters without spaces', {
      hint: 'leave --token out to have one generated',
    });
  return token;
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
  const { output } = context;
  const roots = rootsOf(command);
  const watch = flags.watch.map(parsePid);
  const token = tokenOf(flags);
  const scanRoots = scanRootsOf(flags);
  const intervalMs = Math.round(flags.interval * 1000);
  const dbPath = flags.db ?? defaultDbPath();
  const store = Store.openForWriting(dbPath);
  const stops = stopOnSignals();
  try {
    // one IMMEDIATE transaction: two hog serve starting at once cannot both pass the check
    const runId = store.transaction(() => {
      refuseSecondRecorder(store, context.clock.now());
      return store.createRun({
        kind: 'serve',
        command: `hog serve --host ${flags.host} --port ${flags.port}`,
        host: hostname(),
        startedAt: context.clock.now(),
        intervalMs,
        options: { recorder: selfIdentity(), top: flags.top, watch },
      });
    });
    const db = store.connection();
    const clock = stoppableClock(stops.signal);
    const log = (line: string) => output.error(line);
    const collector = new ServeCollector({
      ...roots,
      clock,
      top: flags.top,
      watch,
      connections: flags.connections,
    });
    const recorder = new ServeRecorder(db, collector, {
      clock,
      intervalMs,
      retention: {
        rawMs: flags.retentionRaw * 1000,
        minuteMs: flags.retentionMinute * 1000,
        maxBytes: flags.maxDbSize,
      },
      log,
      findings: findingsSource(roots, dbPath, clock),
    });
    const scanner =
      scanRoots.length > 0
        ? new ServeScanner(db, {
            roots: scanRoots,
            everyMs: flags.scanEvery * 1000,
            firstAfterMs: FIRST_SCAN_AFTER_MS,
            clock,
            skipDevs: skippedDevices(roots.procRoot, scanRoots),
            log,
            threads: SCAN_THREADS,
            signal: stops.signal,
          })
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
      const shown = flags.host.includes(':') ? `[${flags.host}]` : flags.host;
      output.line(
        `hog serve: http://${shown}:${server.port}/ (recording every ${flags.interval}s into ${dbPath})`,
      );
      if (token !== undefined) output.line(`token: ${token}`);
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

/** The --scan directories, checked at start: each must exist and be a readable directory. */
function scanRootsOf(flags: ServeFlags): string[] {
  if (flags.scanEvery <= 0)
    throw new UsageError('--scan-every must be more than 0', { hint: 'e.g. --scan-every 6h' });
  return flags.scan.map((given) => {
    let root: ReturnType<typeof checkRoot>;
    try {
      root = checkRoot(given);
    } catch (error) {
      // checkRoot's hint speaks of hog disk's PATHs
      if (error instanceof NotFoundError)
        throw new NotFoundError(`--scan: no such directory: ${quote(given)}`, {
          hint: 'give a directory that exists, e.g. --scan /var',
          cause: error,
        });
      throw error;
    }
    if (!root.stats.isDirectory())
      throw new UsageError(`--scan takes a directory, not a file: ${quote(given)}`, {
        hint: 'give the directory to scan, e.g. --scan /var',
      });
    return root.path;
  });
}

/** Pseudo filesystems (proc, sysfs...) never entered, unless one is a --scan root itself. */
function skippedDevices(procRoot: string, scanRoots: string[]): number[] {
  try {
    const rootDevs = new Set(scanRoots.map((r) => statSync(r).dev));
    return pseudoDevices(readMountinfo('self', procRoot)).filter((d) => !rootDevs.has(d));
  } catch {
    // no mount table (a chroot without /proc): nothing known to skip
    return [];
  }
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
