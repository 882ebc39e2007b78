/**
 * `hog heap snapshot PID [-o FILE]`: a heap snapshot of a running Node.js process, streamed to disk
 * (src/inspector/snapshot.ts); `hog heap snapshot -- node app.js` starts the program with its inspector
 * on a free loopback port, snapshots it after --after, and stops it. Registered on the `hog heap`
 * command (src/cli/heap.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { Clock } from '../clock.js';
import { HogError, isHogError, UsageError } from '../errors.js';
import { closeAbandonedInspector } from '../inspector/attach.js';
import { isNodeExecutable } from '../inspector/discovery.js';
import { captureHeapSnapshot } from '../inspector/snapshot.js';
import { readStat } from '../proc/stat.js';
import { openProgressLine } from '../render/progressLine.js';
import { formatBytes } from '../render/units.js';
import type { CliContext } from './context.js';
import { rootsOf } from './context.js';
import { INSPECTOR_EXPOSURE_HELP } from './inspectorHelp.js';
import { inspectorWatchdog } from './inspectorWatchdog.js';
import { parsePid, seconds } from './optionValues.js';
import { stopOnSignals } from './stopSignals.js';

interface SnapshotFlags {
  output?: string;
  force?: boolean;
  sigusr1?: boolean;
  after: number;
  json?: boolean;
}

export function registerHeapSnapshot(heapCommand: Command, context: CliContext): void {
  registerCloseInspector(heapCommand);
  registerSnapshot(heapCommand, context);
}

/** The watchdog's command (inspectorWatchdog.ts), not for users. */
function registerCloseInspector(heapCommand: Command): void {
  heapCommand
    .command('close-inspector', { hidden: true })
    .argument('<pid>', 'the process', parsePid)
    .requiredOption('--start-ticks <n>', 'its start time (/proc/PID/stat)', Number)
    .requiredOption('--ports-before <list>', 'its listening ports before SIGUSR1', (t: string) =>
      t === '' ? [] : t.split(',').map(Number),
    )
    .action(async (pid: number, flags: { startTicks: number; portsBefore: number[] }, cmd: Command) => {
      await closeAbandonedInspector(pid, flags.startTicks, flags.portsBefore, rootsOf(cmd).procRoot);
    });
}

function registerSnapshot(heapCommand: Command, context: CliContext): void {
  heapCommand
    .command('snapshot')
    .description('write a heap snapshot of a running Node.js process (or of a command hog starts)')
    .argument('[pid|command...]', 'a PID, or after -- a node command to start')
    .option('-o, --output <file>', 'where to write it (default: PID-<pid>-<time>.heapsnapshot here)')
    .option(
      '--sigusr1',
      'open the inspector with SIGUSR1 (hog cannot tell whether the process handles it itself)',
    )
    .option('--force', 'as --sigusr1, and take the snapshot even when RAM or disk look short')
    .option('--after <time>', 'with a command: snapshot this long after it started', seconds('--after'), 5)
    .option('--json', 'print {file, bytes, pid} as JSON')
    .addHelpText(
      'after',
      `
The snapshot is the JSON format of Chrome DevTools' Memory tab (.heapsnapshot): open it there or with
hog heap summary. It is streamed to FILE.part (mode 0600: a heap holds the process's secrets) and
renamed when complete; an existing file is never overwritten. V8 pauses the process while it builds and
writes the snapshot (4 s for 440k objects, a 36 MiB file, here) and needs roughly the heap's size again
in RAM and on disk: hog checks MemAvailable, the process's cgroup limit and the free space first, and
refuses with the numbers (exit 2) when either is short (--force takes it anyway).

With a command (hog heap snapshot -- node app.js): hog starts it with --inspect=127.0.0.1:0 (a free
loopback port, open while it runs), waits --after (default 5 s) for it to get going, snapshots it,
then stops it (SIGTERM, SIGKILL 5 s later). Its output passes through (to stderr with --json). Should
hog be killed meanwhile, the command runs on and a watchdog closes its inspector.

${INSPECTOR_EXPOSURE_HELP}

Examples:
  hog heap snapshot 1234 --sigusr1                SIGUSR1, snapshot, inspector closed again
  hog heap snapshot 1234 -o /var/tmp/app.heapsnapshot --sigusr1
  hog heap snapshot --after 30s -- node server.js  after 30 s of warm-up`,
    )
    .action((args: string[], flags: SnapshotFlags, cmd: Command) =>
      snapshot(args, flags, context, rootsOf(cmd).procRoot),
    );
}

/** A PID's snapshot, or a started command's. */
async function snapshot(args: string[], flags: SnapshotFlags, context: CliContext, procRoot: string) {
  if (args.length === 0) {
    throw new UsageError('heap snapshot needs a PID or a command', {
      hint: 'hog heap snapshot 1234, or hog heap snapshot -- node app.js',
    });
  }
  // SIGINT, SIGTERM and SIGHUP end hog only after it closed what it opened (and stopped what it started)
  const stop = stopOnSignals();
  try {
    if (args.length === 1 && /^\d+$/.test(args[0] as string)) {
      await snapshotPid(parsePid(args[0] as string), flags, context, procRoot, stop);
    } else {
      await snapshotCommand(args, flags, context, procRoot, stop);
    }
  } finally {
    stop.dispose();
  }
}

function defaultFile(pid: number, clock: Clock): string {
  const time = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
  return `PID-${pid}-${time}.heapsnapshot`;
}

async function snapshotPid(
  pid: number,
  flags: SnapshotFlags,
  context: CliContext,
  procRoot: string,
  stop: ReturnType<typeof stopOnSignals>,
): Promise<void> {
  const file = flags.output ?? defaultFile(pid, context.clock);
  const progress = progressReporter(context.clock);
  try {
    const result = await captureHeapSnapshot(pid, file, {
      force: flags.force,
      sigusr1: flags.sigusr1,
      procRoot,
      signal: stop.signal,
      onProgress: progress.update,
      watchdog: inspectorWatchdog,
    }).catch((error: unknown) => {
      if (!stop.signal.aborted || isHogError(error)) throw error;
      throw new HogError(
        `${(stop.signal.reason as Error).message}: no snapshot written, PID ${pid} left as it was`,
        {
          cause: error,
        },
      );
    });
    progress.stop();
    if (flags.json) context.output.line(JSON.stringify({ pid, file: result.file, bytes: result.bytes }));
    else
      context.output.line(
        `hog heap snapshot: PID ${pid}: ${formatBytes(result.bytes)} written to ${result.file}`,
      );
  } finally {
    progress.stop();
  }
}

/** On a terminal a bar on stderr, redrawn in place; otherwise a line every 10% (or 64 MiB). */
function progressReporter(clock: Clock, stream: NodeJS.WriteStream = process.stderr) {
  const line = stream.isTTY ? openProgressLine(stream) : undefined;
  let lastStep = 0;
  let lastDrawMs = Number.NEGATIVE_INFINITY; // the first update draws
  return {
    update(done: number, estimate?: number) {
      const fraction = estimate ? Math.min(1, done / estimate) : undefined;
      if (line) {
        // a chunk is ~100 KiB: redraw ten times a second, not for each of them
        const now = clock.monotonic();
        if (now - lastDrawMs < 100) return;
        lastDrawMs = now;
        const width = 30;
        const filled = Math.round((fraction ?? 0) * width);
        const bar = fraction === undefined ? '' : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] `;
        line.update(
          `hog heap snapshot: ${bar}${formatBytes(done)}${estimate ? ` of ~${formatBytes(estimate)}` : ''}`,
        );
        return;
      }
      const step = fraction === undefined ? Math.floor(done / 2 ** 26) : Math.floor(fraction * 10);
      if (step > lastStep) {
        lastStep = step;
        stream.write(`hog heap snapshot: ${formatBytes(done)} written\n`);
      }
    },
    stop() {
      line?.stop();
    },
  };
}

async function snapshotCommand(
  args: string[],
  flags: SnapshotFlags,
  context: CliContext,
  procRoot: string,
  stop: ReturnType<typeof stopOnSignals>,
): Promise<void> {
  const [program, ...rest] = args as [string, ...string[]];
  if (!isNodeExecutable(basename(program))) {
    throw new UsageError(`hog heap snapshot starts node commands only, not ${JSON.stringify(program)}`, {
      hint: 'give the node command itself: hog heap snapshot -- node app.js',
    });
  }
  // its output passes through; with --json its stdout goes to stderr, so hog's stdout stays JSON
  const child = spawn(program, ['--inspect=127.0.0.1:0', ...rest], { stdio: [0, flags.json ? 2 : 1, 2] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // its inspector is open from the start: should hog be SIGKILLed, the watchdog closes it (the
  // command itself runs on, as any command of the user's would)
  const watchdog = child.pid === undefined ? undefined : watchStartedCommand(child.pid, procRoot);
  const failed = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new UsageError(`cannot start ${JSON.stringify(program)}: ${error.message}`, { cause: error })),
    ),
  );
  const stoppedBeforeSnapshot = () =>
    new HogError(`${(stop.signal.reason as Error).message} before the snapshot; the command is stopped`);
  try {
    // the clock's sleep ends early (without rejecting) when a signal stops hog: that is told apart here
    const first = await Promise.race([
      context.clock
        .sleep(flags.after * 1000, stop.signal)
        .then(() => (stop.signal.aborted ? ('signal' as const) : ('waited' as const))),
      exited.then(() => 'exited' as const),
      failed,
    ]).catch((error: unknown) => {
      if (!stop.signal.aborted) throw error;
      throw stoppedBeforeSnapshot();
    });
    if (first === 'signal') throw stoppedBeforeSnapshot();
    if (first === 'exited') {
      throw new UsageError(`${JSON.stringify(program)} exited before the snapshot (after ${flags.after} s)`, {
        hint: 'a shorter --after, or a program that keeps running',
      });
    }
    // started with --inspect: no signal is sent
    await snapshotPid(child.pid as number, flags, context, procRoot, stop);
  } finally {
    await stopChild(child, exited, context.clock);
    watchdog?.disarm();
  }
}

function watchStartedCommand(pid: number, procRoot: string): { disarm(): void } | undefined {
  try {
    return inspectorWatchdog(pid, readStat(pid, procRoot).startTimeTicks, []);
  } catch {
    return undefined; // it exited at once: nothing to watch
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>, clock: Clock): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const cancelKill = clock.after(5000, () => child.kill('SIGKILL'));
  await exited;
  cancelKill();
}
