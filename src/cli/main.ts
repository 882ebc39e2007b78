/**
 * The `hog` command line. Command modules load lazily: `hog ps` reads only the code of ps, which keeps
 * start-up short (hog must not become the hog). Errors print as "hog: <message>" with a hint; a stack
 * trace only with --verbose.
 */
import { Command, CommanderError, Option } from 'commander';
import { realClock } from '../clock.js';
import { isHogError } from '../errors.js';
import type { CliContext, CommandModule } from './context.js';
import { type Output, processOutput } from './output.js';
import { assertLinux } from './platform.js';

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
    name: 'disk',
    summary: 'what fills the disk: scan, categories, deleted-but-open files, df reconciliation, cleanup',
    load: () => import('./disk.js'),
  },
];

const VERSION = '0.1.0';

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

export async function main(args: readonly string[], output: Output = processOutput()): Promise<number> {
  restoreEnvironment();
  // ps, top and hog itself then show "hog ps ..." rather than the path of the bundle
  process.title = ['hog', ...args].join(' ');
  const context: CliContext = { output, clock: realClock, exitCode: 0 };
  const program = new Command('hog')
    .description('Find what is hogging a Linux machine or a Node.js program: memory, disk, network.')
    .version(VERSION, '-V, --version')
    .option('--verbose', 'print stack traces and extra diagnostics')
    .addOption(new Option('--proc-root <dir>', 'read procfs from here (tests)').hideHelp())
    .addOption(new Option('--sys-root <dir>', 'read sysfs from here (tests)').hideHelp())
    .addOption(new Option('--etc-root <dir>', 'read /etc files from here (tests)').hideHelp())
    .addOption(new Option('--fs-root <dir>', 'prefix for cgroup mounts and /dev/kmsg (tests)').hideHelp())
    .showHelpAfterError('(run hog --help for the list of commands)')
    .configureOutput({
      writeOut: (text) => output.write(text),
      writeErr: (text) => output.error(text.trimEnd()),
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
    return reportError(error, output, args.includes('--verbose'), wanted);
  }
}

function reportError(error: unknown, output: Output, verbose: boolean, command: string | undefined): number {
  if (error instanceof CommanderError) {
    // help and version "errors" are normal exits; commander already printed its message
    return error.exitCode === 0 ? 0 : 2;
  }
  // hog doctor speaks the Nagios plugin convention: any failure of its own is UNKNOWN (3)
  const doctor = command === 'doctor';
  if (isHogError(error)) {
    output.error(`hog: ${error.message}`);
    if (error.hint) output.error(`hint: ${error.hint}`);
    if (verbose) output.error(String(error.stack));
    if (verbose && error.cause) output.error(`cause: ${String((error.cause as Error).stack ?? error.cause)}`);
    return doctor ? 3 : error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  output.error(`hog: internal error: ${message}`);
  output.error(
    verbose
      ? String((error as Error).stack)
      : 'hint: rerun with --verbose for the stack trace, and report it',
  );
  return doctor ? 3 : 4;
}

// Run when executed directly (bin/hog runs this file): the exit code is set, never process.exit(),
// so pending output is flushed.
if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main(process.argv.slice(2));
}
