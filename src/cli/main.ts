/**
 * The `hog` command line. Command modules load lazily: `hog ps` reads only the code of ps, which keeps
 * start-up short (hog must not become the hog). Errors print as "hog: <message>" with a hint; a stack
 * trace only with --verbose.
 */
import { Command, CommanderError, Option } from 'commander';
import { realClock } from '../clock.js';
import { isHogError } from '../errors.js';
import { terminalText } from '../render/terminalText.js';
import { VERSION } from '../version.js';
import type { CliContext, CommandModule } from './context.js';
import { type Output, processOutput } from './output.js';
import { assertLinux } from './platform.js';
import { processTerminal } from './processTerminal.js';

interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<CommandModule>;
}

/** Every command, in the order `hog --help` lists them. */
const COMMANDS: CommandEntry[] = [
  {
    name: 'doctor',
    summary: 'check memory, disk and network; print ranked findings',
    load: () => import('./doctor.js'),
  },
  {
    name: 'top',
    summary: 'live process view with memory totals, pressure and growth',
    load: () => import('./top.js'),
  },
  {
    name: 'ps',
    summary: 'process table sorted by memory (RES, SHR, VIRT, SWAP, PSS)',
    load: () => import('./ps.js'),
  },
  {
    name: 'run',
    summary: 'run a command, record its memory over time, give a leak verdict',
    load: () => import('./run.js'),
  },
  {
    name: 'watch',
    summary: 'record the memory of running processes; leak verdict live',
    load: () => import('./watch.js'),
  },
  {
    name: 'runs',
    summary: 'list the recordings in the store',
    load: () => import('./runs.js'),
  },
  {
    name: 'plot',
    summary: 'chart a recording or an mprof .dat file (SVG, PNG, HTML, or sparklines)',
    load: () => import('./plot.js'),
  },
  {
    name: 'profile',
    summary: 'line-by-line memory profile of a .ts/.js script; --sample for allocation sites',
    load: () => import('./profile.js'),
  },
  {
    name: 'heap',
    summary: 'the V8 heap of a Node.js program: snapshot, summary by constructor, diff, leak clusters',
    load: () => import('./heap.js'),
  },
  {
    name: 'net',
    summary: 'network traffic per connection/process/host, live; probe latency; bench throughput',
    load: () => import('./net.js'),
  },
  {
    name: 'shape',
    summary: 'traffic shaping (HTB via tc): priorities and caps, previewed, verified, exactly undone',
    load: () => import('./shape.js'),
  },
  {
    name: 'serve',
    summary: 'record history; serve a web dashboard, a JSON API and Prometheus /metrics',
    load: () => import('./serve.js'),
  },
  {
    name: 'disk',
    summary: 'what fills the disk: scan, categories, deleted-but-open files, df reconciliation, cleanup',
    load: () => import('./disk.js'),
  },
];

/** The first argument that is not an option: the command the user asked for. */
function requestedCommand(args: readonly string[]): string | undefined {
  const withValue = new Set(['--proc-root', '--sys-root', '--etc-root', '--fs-root']);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (withValue.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** bin/hog moved NODE_EXTRA_CA_CERTS aside to start faster; give it back to everything hog starts. */
function restoreEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const saved = env.HOG_SAVED_NODE_EXTRA_CA_CERTS;
  if (saved !== undefined) {
    env.NODE_EXTRA_CA_CERTS = saved;
    delete env.HOG_SAVED_NODE_EXTRA_CA_CERTS;
  }
}

/**
 * Run hog with these arguments. The terminal and the clock are the process's own unless given: tests
 * drive the live views in-process through a fake terminal and a manual clock.
 */
export async function main(
  args: readonly string[],
  output: Output = processOutput(),
  io: Partial<Pick<CliContext, 'terminal' | 'clock'>> = {},
): Promise<number> {
  restoreEnvironment();
  // ps, top and hog itself then show "hog ps ..." rather than the path of the bundle
  process.title = ['hog', ...args].join(' ');
  const context: CliContext = {
    output,
    terminal: io.terminal ?? processTerminal(),
    clock: io.clock ?? realClock,
    exitCode: 0,
  };
  const program = new Command('hog')
    .description('Find what is hogging a Linux machine or a Node.js program: memory, disk, network.')
    .version(VERSION, '-V, --version')
    .option('--verbose', 'print stack traces and extra diagnostics')
    .addOption(new Option('--proc-root <dir>', 'read procfs from here (tests)').hideHelp())
    .addOption(new Option('--sys-root <dir>', 'read sysfs from here (tests)').hideHelp())
    .addOption(new Option('--etc-root <dir>', 'read /etc files from here (tests)').hideHelp())
    .addOption(new Option('--fs-root <dir>', 'prefix for cgroup mounts and /dev/kmsg (tests)').hideHelp())
    .configureOutput({
      writeOut: (text) => output.write(text),
      writeErr: (text) => output.error(text.trimEnd()),
      // commander's own "error: ..." is not printed: reportError says it the hog way, with a hint
      outputError: () => {},
    })
    .exitOverride();

  const wanted = requestedCommand(args);
  for (const entry of COMMANDS) {
    if (entry.name === wanted) (await entry.load()).register(program, context);
    else program.command(entry.name).description(entry.summary);
  }

  try {
    if (wanted !== undefined && COMMANDS.some((c) => c.name === wanted)) assertLinux();
    await program.parseAsync(args, { from: 'user' });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return reportUsage(error, output, commandPath(program, args));
    return reportError(error, output, args.includes('--verbose'), wanted);
  }
}

function reportError(error: unknown, output: Output, verbose: boolean, command: string | undefined): number {
  // hog doctor speaks the Nagios plugin convention: bad usage and any failure of its own are
  // UNKNOWN (3), as the plugin guidelines ask for invalid command-line arguments
  const doctor = command === 'doctor';
  if (isHogError(error)) {
    // messages quote what the user or another user named (a path, a process name): escaped here once
    output.error(`hog: ${terminalText(error.message)}`);
    if (error.hint) output.error(`hint: ${terminalText(error.hint, { keepNewlines: true })}`);
    if (verbose) output.error(String(error.stack));
    if (verbose && error.cause) output.error(`cause: ${String((error.cause as Error).stack ?? error.cause)}`);
    return doctor ? 3 : error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  output.error(`hog: internal error: ${terminalText(message)}`);
  output.error(
    verbose
      ? String((error as Error).stack)
      : 'hint: rerun with --verbose for the stack trace, and report it',
  );
  return doctor ? 3 : 4;
}

/** What commander found wrong with the command line, as `hog: <message>` and a hint; exit 2 (doctor 3). */
function reportUsage(error: CommanderError, output: Output, path: string[]): number {
  // hog doctor speaks the Nagios plugin convention: invalid arguments are UNKNOWN (3), as the
  // plugin guidelines ask
  const doctor = path[0] === 'doctor';
  // help and version are normal exits; help shown for a missing subcommand (`hog disk ...`) says enough
  if (error.exitCode === 0) return 0;
  if (error.code === 'commander.help' || error.code === 'commander.helpDisplayed') return doctor ? 3 : 2;
  // "error: unknown option '--sortt'\n(Did you mean --sort?)"
  const [first = '', ...more] = error.message.split('\n');
  const help =
    path.length === 0
      ? 'run `hog --help` for the list of commands'
      : `run \`hog ${path.join(' ')} --help\` for its options and arguments`;
  const suggestion = more.join(' ').replace(/^\((.*)\)$/, '$1');
  output.error(`hog: ${terminalText(first.replace(/^error: /, ''))}`);
  output.error(`hint: ${terminalText(suggestion ? `${suggestion} (${help})` : help)}`);
  return doctor ? 3 : 2;
}

/** The (sub)command the arguments name, as far as they name one: ['disk', 'clean'] for `hog disk clean -x`. */
function commandPath(program: Command, args: readonly string[]): string[] {
  const path: string[] = [];
  let current = program;
  for (const arg of args) {
    const sub = current.commands.find((c) => c.name() === arg);
    if (sub === undefined) continue;
    path.push(arg);
    current = sub;
  }
  return path;
}

// Run when executed directly (bin/hog runs this file): the exit code is set, never process.exit(),
// so pending output is flushed.
if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main(process.argv.slice(2));
}
