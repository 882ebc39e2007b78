/**
 * `hog heap`: the V8 heap of a Node.js program. snapshot (heapSnapshot.ts: a running process's heap to
 * a file), summary (by constructor, type or retainer, with retained sizes; of a file or a PID), diff
 * of two snapshots (DevTools' Comparison) or three (memlab's leak clusters), and leak (the three
 * snapshots of a PID taken by hog).
 */
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import { type CliContext, rootsOf } from './context.js';
import { type DiffFlags, runDiff, runSummary, type SummaryFlags } from './heapAnalyse.js';
import { type CaptureFlags, captureInto, pidArgument, SnapshotDir } from './heapCapture.js';
import { DEFAULT_INTERVAL_S, type LeakFlags, runLeak } from './heapLeak.js';
import { registerHeapSnapshot } from './heapSnapshot.js';
import { INSPECTOR_EXPOSURE_HELP } from './inspectorHelp.js';
import { parsePid, positiveInt, seconds } from './optionValues.js';
import { stopOnSignals } from './stopSignals.js';

/** The options of the subcommands that take their own snapshots of a PID. */
function captureOptions(command: Command): Command {
  return command
    .option(
      '--sigusr1',
      'open the inspector with SIGUSR1 (hog cannot tell whether the process handles it itself)',
    )
    .option('--force', 'as --sigusr1, and take snapshots even when RAM or disk look short')
    .option('--keep', 'keep the snapshot files (their directory is printed)');
}

async function summaryOfPid(
  pid: number,
  flags: SummaryFlags & CaptureFlags,
  context: CliContext,
  procRoot: string,
) {
  const stop = stopOnSignals();
  const dir = new SnapshotDir();
  try {
    const taken = await captureInto(
      pid,
      join(dir.path, 'snapshot.heapsnapshot'),
      `snapshot of PID ${pid}`,
      flags,
      stop.signal,
      procRoot,
    );
    await runSummary(taken.file, flags, context, `PID ${pid}`);
  } finally {
    stop.dispose();
    dir.close(flags.keep, (line) => context.output.error(`hog heap summary: ${line}`));
  }
}

export function register(program: Command, context: CliContext): void {
  const heap = program
    .command('heap')
    .description('the V8 heap of a Node.js program: snapshot, summary by constructor, diff, leak clusters')
    .addHelpText(
      'after',
      `
Snapshot files are .heapsnapshot files as written by v8.writeHeapSnapshot(), node --heapsnapshot-signal,
or Chrome DevTools. They are read as a stream: a snapshot of several GiB works (DevTools stops at
about 512 MiB).

Examples:
  hog heap snapshot 1234 --sigusr1                write a snapshot of a running Node.js process
  hog heap summary 1234 --sigusr1                 the same, summarised (the snapshot is not kept)
  hog heap leak 1234 --sigusr1 --load 'ab -n 1000 http://127.0.0.1:8080/'
                                                 three snapshots around some load: what leaks, held by what
  hog heap summary app.heapsnapshot              objects by constructor: count, shallow and retained size
  hog heap summary --by retainer app.heapsnapshot   grouped by what holds them (guppy's by-referrer)
  hog heap diff before.heapsnapshot after.heapsnapshot   new and deleted objects per constructor
  hog heap diff a.heapsnapshot b.heapsnapshot c.heapsnapshot   objects allocated between a and b still alive
                                                 in c, clustered by their retainer path (memlab's method)`,
    );

  registerHeapSnapshot(heap, context);
  registerSummary(heap, context);
  registerDiff(heap, context);
  registerLeak(heap, context);
}

/** `hog heap summary <file|pid>`: of a file, or of a snapshot hog takes of a PID. */
function registerSummary(heap: Command, context: CliContext): void {
  const summary = heap
    .command('summary')
    .description('objects by constructor, like DevTools Summary: count, shallow and retained size')
    .argument('<file|pid>', "a .heapsnapshot file, or a Node.js process's PID (hog takes a snapshot)")
    .option('-n, --top <N>', 'show the N largest groups', positiveInt('--top'), 20)
    .addOption(
      new Option('--by <what>', 'group by constructor, node type, or retainer (guppy by-referrer)')
        .choices(['constructor', 'type', 'retainer'])
        .default('constructor'),
    )
    .addOption(
      new Option('--sort <size>', 'order of the rows')
        .choices(['retained', 'shallow', 'count'])
        .default('retained'),
    )
    .option('--json', 'print JSON (sizes in bytes)')
    .option('--no-progress', 'no progress line while reading')
    .addHelpText(
      'after',
      `
Shallow size is an object's own size; retained size is what the garbage collector would free with it
(the objects it dominates). A constructor's retained size counts the objects no other object of the
same constructor holds, as DevTools does, so nested objects are not counted twice. Weak references
do not retain. CUM % adds up the shallow % of the rows so far.`,
    )
    .action(async (target: string, opts: SummaryFlags & CaptureFlags, command: Command) => {
      const pid = pidArgument(target);
      if (pid === undefined) await runSummary(target, opts, context);
      else await summaryOfPid(parsePid(target), opts, context, rootsOf(command).procRoot);
    });
  captureOptions(summary);
}

/** `hog heap diff A B [C]`: two snapshots compared, or three clustered into leaks. */
function registerDiff(heap: Command, context: CliContext): void {
  heap
    .command('diff')
    .description('compare snapshots: A B per constructor (new, deleted), or A B C leak clusters')
    .argument('<snapshots...>', 'two or three .heapsnapshot files of the same process, oldest first')
    .option('-n, --top <N>', 'show the N largest rows or clusters', positiveInt('--top'), 20)
    .option('--json', 'print JSON (sizes in bytes)')
    .option('--no-progress', 'no progress line while reading')
    .addHelpText(
      'after',
      `
Objects are matched across snapshots by V8's object id, so the snapshots must come from one process.
With three snapshots A B C: objects allocated between A and B that are still alive in C are leak
candidates. Strings, numbers, code, hidden and system objects and V8's internal arrays are left out
(they are held by the object that leaks); the rest are grouped by their shortest retainer path from
the GC roots, each with its count, retained size and that path (closures with their source location).
Take A after warm-up, B after the suspected leak happened, C after the same work once more.`,
    )
    .action(async (files: string[], opts: DiffFlags) => {
      if (files.length < 2 || files.length > 3) {
        throw new UsageError(`hog heap diff takes two or three snapshots, got ${files.length}`, {
          hint: 'hog heap diff A B (what changed) or hog heap diff A B C (what was allocated between A and B and is still alive in C)',
        });
      }
      await runDiff(files, opts, context);
    });
}

/** `hog heap leak <pid>`: the three snapshots taken by hog, around the process's own work or --load. */
function registerLeak(heap: Command, context: CliContext): void {
  const leak = heap
    .command('leak')
    .description("what leaks in a running Node.js process: three snapshots, memlab's leak clusters")
    .argument('<pid>', 'the Node.js process', parsePid)
    .option(
      '-i, --interval <time>',
      `time between snapshots (default ${DEFAULT_INTERVAL_S}s; with --load, after the load, default 0)`,
      seconds('--interval', { allowZero: true }),
    )
    .option(
      '--load <command>',
      'run this shell command between snapshots (e.g. a load generator), to its end',
    )
    .option('-n, --top <N>', 'show the N largest clusters', positiveInt('--top'), 20)
    .option('--json', 'print JSON (sizes in bytes)')
    .option('--no-progress', 'no progress lines');
  captureOptions(leak)
    .addHelpText(
      'after',
      `
hog takes snapshot A, lets the process work (--load, then --interval), takes B, the same again, and C.
Objects allocated between A and B and still alive in C are leak candidates; trivia (strings, numbers,
code, hidden and system objects, V8's internal arrays) is left out, and the rest are clustered by their
shortest retainer path from the GC roots (see hog heap diff --help). The snapshots are written to a
private temporary directory and removed at the end unless --keep. Each snapshot pauses the process
while V8 writes it, and needs about the heap's size in free RAM and disk. The inspector stays open from
the first snapshot to the last (V8 forgets the object ids the comparison needs when it closes), not
only while a snapshot is written.

${INSPECTOR_EXPOSURE_HELP}`,
    )
    .action(async (pid: number, opts: LeakFlags, command: Command) => {
      await runLeak(pid, opts, context, rootsOf(command).procRoot);
    });
}
