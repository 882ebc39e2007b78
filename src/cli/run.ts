/**
 * `hog run -- CMD ARGS...`: run a command and record its memory until it exits, like `mprof run`.
 * The command's output and exit code pass through; hog's own messages go to stderr. The store, the
 * output file and the command itself are checked before the command starts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Command } from 'commander';
import { NotFoundError, UsageError } from '../errors.js';
import type { RecordingSession } from '../memory/recordingSession.js';
import { type LoopResult, recordLoop, type StopReason } from '../memory/recordLoop.js';
import { readStat } from '../proc/stat.js';
import { terminalText } from '../render/terminalText.js';
import type { Store } from '../store/store.js';
import { type CliContext, rootsOf } from './context.js';
import { shellExitStatus } from './exitStatus.js';
import type { Output } from './output.js';
import {
  addRecordOptions,
  durationOf,
  type RecordFlags,
  runName,
  summarize,
  summaryLines,
  withSession,
} from './recordOptions.js';

/** How often `hog run` judges the recording while it runs (the final verdict comes at the end). */
const RUN_JUDGE_MS = 5000;

interface RunFlags extends RecordFlags {
  heap: boolean;
  quiet?: boolean;
}

export function register(program: Command, context: CliContext): void {
  program.enablePositionalOptions();
  const command = program
    .command('run')
    .description('run a command and record its memory over time until it exits; give a leak verdict')
    .argument('<command...>', 'the command and its arguments (after --)')
    .passThroughOptions();
  addRecordOptions(command, 0.1)
    .option('--no-heap', 'do not add the V8 heap reporter to NODE_OPTIONS for Node.js commands')
    .option('-q, --quiet', 'print nothing but errors (the recording is still stored)')
    .addHelpText(
      'after',
      `
The command runs with HOG_MARKER_FILE set: any process may append function entry/exit markers there,
one JSON line each: {"t": <epoch ms>, "event": "enter"|"exit", "name": "<function>", "pid": <pid>}.
Node.js commands also report their V8 heap (used, total), external and array-buffer memory.
hog's exit code is the command's (128 + signal number if a signal killed it).

Examples:
  hog run -- node server.js                      record every 0.1 s, verdict at the end
  hog run -i 1 -C -- make -j4                    the build and all its children, summed
  hog run -M -o mprofile.dat -- python3 app.py   each child apart, plus a file mprof plot reads
  hog plot last -o run.svg                       the chart of the latest recording`,
    )
    .action(async (argv: string[], flags: RunFlags, cmd: Command) => {
      const { procRoot } = rootsOf(cmd);
      const executable = resolveCommand(argv[0] as string, process.env.PATH ?? '');
      await withSession(
        flags,
        context,
        procRoot,
        { kind: 'run', command: argv.join(' '), options: {} },
        (session, store) => runCommand(session, executable, argv, flags, context, store, procRoot),
      );
    });
}

async function runCommand(
  session: RecordingSession,
  executable: string,
  argv: string[],
  flags: RunFlags,
  context: CliContext,
  store: Store,
  procRoot: string,
): Promise<void> {
  const { output } = context;
  const env = session.commandEnvironment(process.env, flags.heap);
  const child = spawn(executable, argv.slice(1), { stdio: 'inherit', env, argv0: argv[0] });
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const pid = child.pid;
  if (pid === undefined) throw await spawnError;

  const releaseSignals = leaveSignalsTo(child);
  const name = addTarget(session, pid, argv, procRoot);
  if (!flags.quiet && !flags.json) {
    output.error(
      `hog: recording PID ${pid} (${terminalText(name)}) every ${flags.interval}s as ${runName(session)} in ${store.path}`,
    );
  }
  const loop = await recordUntilExit(session, exited, flags, context.clock);
  if (loop.reason === 'disk-full' || loop.reason === 'store-failed') {
    // the store failed, not the command: it runs on, and its exit code is still hog's
    const what = loop.reason === 'disk-full' ? 'disk full while recording' : 'cannot write the store';
    output.error(
      `hog: ${what} (${loop.error?.message}); recording stopped, what was written is kept in run ${session.runId ?? '(none)'}; the command keeps running`,
    );
  }
  const exit = await exited;
  releaseSignals();

  context.exitCode = shellExitStatus(exit.code, exit.signal);
  if (loop.reason === 'targets-gone' || loop.reason === 'stopped') session.ingest(true);
  const result = session.finish({
    exitCode: exit.code ?? undefined,
    exitSignal: exit.signal ?? undefined,
    reason: 'exited',
  });
  if (result.unstored) output.error(`hog: ${result.unstored}`);
  reportRun({ session, store, argv, flags, exit, stoppedBy: loop.reason, result }, output);
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The started command as the recorder's target; returns the name it is shown by. */
function addTarget(session: RecordingSession, pid: number, argv: string[], procRoot: string): string {
  let startTicks = 0;
  try {
    startTicks = readStat(pid, procRoot).startTimeTicks;
  } catch {
    // it already exited: the first tick sees that
  }
  const name = argv[0]?.split('/').pop() ?? '';
  session.recorder.add({ pid, startTicks, name, command: argv.join(' ') });
  return name;
}

/** Record until the command exits (or the store fails), judging the recording now and then as it goes. */
async function recordUntilExit(
  session: RecordingSession,
  exited: Promise<Exit>,
  flags: RunFlags,
  clock: CliContext['clock'],
): Promise<LoopResult> {
  const controller = new AbortController();
  exited.then(() => controller.abort());
  let lastJudged = Number.NEGATIVE_INFINITY;
  return recordLoop(session.recorder, {
    clock,
    intervalMs: flags.interval * 1000,
    signal: controller.signal,
    beforeFlush: () => {
      session.ingest();
      // the live verdict of a run is only for the doctor's eyes: judged every few seconds, not each
      const now = clock.monotonic();
      if (now - lastJudged >= RUN_JUDGE_MS) {
        lastJudged = now;
        session.judgeLive();
        session.storeLiveVerdicts();
      }
    },
  });
}

/**
 * The terminal sends Ctrl-C to the whole process group: the command decides what to do with it, and
 * hog keeps recording until it exits. Termination requests are passed on to the command. Returns the
 * function that puts the signals back.
 */
function leaveSignalsTo(child: ChildProcess): () => void {
  const ignore = () => {};
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', ignore);
  process.on('SIGQUIT', ignore);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  return () => {
    process.removeListener('SIGINT', ignore);
    process.removeListener('SIGQUIT', ignore);
    process.removeListener('SIGTERM', forward);
    process.removeListener('SIGHUP', forward);
  };
}

interface FinishedRun {
  session: RecordingSession;
  store: Store;
  argv: string[];
  flags: RunFlags;
  exit: Exit;
  /** Why the recording loop ended. */
  stoppedBy: StopReason;
  result: ReturnType<RecordingSession['finish']>;
}

/** What hog run prints once the command has exited: one JSON object, or the summary on stderr. */
function reportRun(run: FinishedRun, output: Output): void {
  const { session, store, argv, flags, exit, stoppedBy, result } = run;
  const summaries = summarize(result.recording, result.verdicts);
  if (flags.json) {
    output.line(
      JSON.stringify({
        run: session.runId ?? null,
        db: store.path,
        command: argv,
        exitCode: exit.code,
        exitSignal: exit.signal,
        // the recording ends when the command exits, unless the disk filled up first
        stoppedBy: stoppedBy === 'disk-full' || stoppedBy === 'store-failed' ? stoppedBy : 'exited',
        intervalSeconds: flags.interval,
        output: flags.output ?? null,
        series: summaries,
        markers: result.recording.markers.length,
        notes: result.recording.notes,
      }),
    );
    return;
  }
  if (flags.quiet) return;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with ${exit.code}`;
  const which = session.runId === undefined ? 'not stored' : `run ${session.runId}`;
  output.error(`hog: ${which}: ${terminalText(argv.join(' '))} ${how} after ${durationOf(result.recording)}`);
  for (const line of summaryLines(result.recording, summaries, output.columns ?? 100)) output.error(line);
  if (flags.output) output.error(`  wrote ${flags.output} (mprof format)`);
  if (session.runId !== undefined)
    output.error(`  next: hog plot ${session.runId} -o run-${session.runId}.svg`);
}

/** The executable a command name runs, as the shell finds it; an error before anything starts. */
export function resolveCommand(name: string, path: string): string {
  if (name === '') throw new UsageError('no command given', { hint: 'hog run -- CMD ARGS...' });
  const candidates = name.includes('/')
    ? [name]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new NotFoundError(`command not found: ${name}`, {
    hint: name.includes('/')
      ? 'check the path and that the file is executable'
      : 'check the name, or give its full path',
  });
}
