/**
 * `hog serve`'s options: their declarations, in the order --help lists them, and the values that need
 * more than a parser (the token in force, the --scan directories checked).
 */
import { type Command, Option } from 'commander';
import { checkRoot } from '../disk/roots.js';
import { NotFoundError, quote, UsageError } from '../errors.js';
import { generateToken, isLoopbackHost } from '../serve/http/auth.js';
import { UNIT_PATH } from '../serve/unit.js';
import { DEFAULT_RETENTION } from '../store/serveRetention.js';
import { collect, durationValue, nonNegativeInt, positiveInt, seconds, sizeValue } from './optionValues.js';

export interface ServeFlags {
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

/** Every option of `hog serve`, in --help's order. */
export function serveOptions(command: Command): Command {
  return scanAndUnitOptions(retentionOptions(listenAndSampleOptions(command)));
}

/** Where it listens, who may ask, where and how often it records. */
function listenAndSampleOptions(command: Command): Command {
  return command
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
    .option('--open-metrics', '/metrics without the token (for Prometheus)');
}

/** What each sample holds, and how long it is kept. */
function retentionOptions(command: Command): Command {
  return command
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
    );
}

/** The disk scans, the dashboard's files, and the systemd unit. */
function scanAndUnitOptions(command: Command): Command {
  return command
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
    .option('--write', `--install-unit: write it to ${UNIT_PATH}`);
}

/** The token in force: given, from the environment, or generated when the bind is not loopback. */
export function tokenOf(flags: ServeFlags): string | undefined {
  const token =
    flags.token ?? process.env.HOG_SERVE_TOKEN ?? (isLoopbackHost(flags.host) ? undefined : generateToken());
  if (token !== undefined && !/^[\x21-\x7e]{16,512}$/.test(token))
    throw new UsageError('the token must be 16 to 512 printable ASCII characters without spaces', {
      hint: 'leave --token out to have one generated',
    });
  return token;
}

/** The --scan directories, checked at start: each must exist and be a readable directory. */
export function scanRootsOf(flags: ServeFlags): string[] {
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
