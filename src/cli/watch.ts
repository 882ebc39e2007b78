/**
 * `hog watch PID...`: record the memory of running processes, with a live leak verdict. Ctrl-C stops
 * cleanly and keeps everything; a PID that exits ends its series with a note; --until-verdict stops
 * once every PID has had the same conclusive verdict for UNTIL_STEADY flushes in a row.
 */
import type { Command } from 'commander';
import { NotFoundError, PermissionError, UsageError } from '../errors.js';
import { readProcess } from '../memory/processTable.js';
import { commandOf } from '../memory/processView.js';
import type { TargetState } from '../memory/recorder.js';
import type { RecordingSession } from '../memory/recordingSession.js';
import { recordLoop, type StopReason } from '../memory/recordLoop.js';
import type { VerdictReport } from '../memory/verdictReport.js';
import { isDenied } from '../proc/procFile.js';
import { readSmapsRollup } from '../proc/smapsRollup.js';
import { sparkline } from '../render/sparkline.js';
import { truncate } from '../render/table.js';
import { terminalText } from '../render/terminalText.js';
import { formatBytes, formatDuration } from '../render/units.js';
import { verdictSummary } from '../render/verdictText.js';
import type { Store } from '../store/store.js';
import { type CliContext, rootsOf } from './context.js';
import { INSPECTOR_EXPOSURE_HELP } from './inspectorHelp.js';
import { parsePid, seconds } from './optionValues.js';
import {
  addRecordOptions,
  durationOf,
  type RecordFlags,
  runName,
  summarize,
  summaryLines,
  withSession,
} from './recordOptions.js';
import { stopOnSignals } from './stopSignals.js';
import { HEAP_READING_MIN_S, recordNodeHeaps } from './watchHeap.js';

interface WatchFlags extends RecordFlags {
  duration?: number;
  untilVerdict?: boolean;
  heap?: boolean;
  force?: boolean;
}

/** Flushes (about a second each) a conclusive verdict must hold before --until-verdict stops. */
export const UNTIL_STEADY = 10;
/** Seconds between progress lines when stdout is not a terminal. */
const PROGRESS_EVERY_S = 10;

export function register(program: Command, context: CliContext): void {
  const command = program
    .command('watch')
    .description('record the memory of running processes over time, with a live leak verdict')
    .argument('<pid...>', 'the processes to watch');
  addRecordOptions(command, 1)
    .option('-d, --duration <time>', 'stop after this long (e.g. 90s, 10m, 2h)', seconds('--duration'))
    .option('--until-verdict', `stop once every PID has a steady verdict (${UNTIL_STEADY} s unchanged)`)
    .option(
      '--heap',
      "Node.js processes: also record the V8 heap through the process's inspector (opened for each reading)",
    )
    .option('--force', '--heap: send SIGUSR1 although hog cannot tell whether the process handles it itself')
    .addHelpText(
      'after',
      `
Ctrl-C stops and keeps everything recorded. Verdicts: leaking, growing-then-stable, stable, shrinking,
not-enough-data (a verdict needs 24 samples over 20 s).

--heap reads process.memoryUsage() (heap used and total, external, array buffers) of Node.js targets
through the V8 inspector, as Chrome DevTools does. For each reading hog opens the inspector (SIGUSR1),
evaluates process.memoryUsage() and closes it again: one round trip of a few milliseconds, at most every
${HEAP_READING_MIN_S} s; each time the process prints "Debugger listening on ..." and "Debugger ending on ..." to its
stderr. Needs the rights to signal the process.

${INSPECTOR_EXPOSURE_HELP}

Examples:
  hog watch 1234                        every second until Ctrl-C
  hog watch 1234 5678 -i 0.5 -d 10m     two processes, twice a second, for ten minutes
  hog watch $(pgrep -n node) --until-verdict --json
  hog watch $(pgrep -n node) --heap --force   RSS and the V8 heap side by side`,
    )
    .action((pidTexts: string[], flags: WatchFlags, cmd: Command) =>
      watchPids(pidTexts, flags, context, rootsOf(cmd).procRoot),
    );
}

/** Check each PID, then record them all in one run. */
async function watchPids(pidTexts: string[], flags: WatchFlags, context: CliContext, procRoot: string) {
  const pids = [...new Set(pidTexts.map(parsePid))];
  const targets = pids.map((pid) => watchTarget(pid, flags, procRoot));
  const command = targets.map((t) => `${t.pid} ${t.command}`).join('; ');
  await withSession(
    flags,
    context,
    procRoot,
    { kind: 'watch', command, options: { pids } },
    (session, store) => {
      for (const t of targets) session.recorder.add(t);
      return watch(session, flags, context, store, procRoot);
    },
  );
}

/** A PID hog can watch: alive, not a kernel thread, its smaps_rollup readable when --pss/--uss ask for it. */
function watchTarget(pid: number, flags: WatchFlags, procRoot: string) {
  const sample = readProcess(pid, procRoot, false);
  if (!sample || sample.state === 'Z') {
    throw new NotFoundError(`no process with PID ${pid}`, {
      hint: 'the process may have exited; find PIDs with `hog ps` or pgrep',
    });
  }
  // PF_KTHREAD (or status Kthread: 1): a kernel thread has no user memory; its statm reads all
  // zeros, which the recorder would otherwise take for a process that exited
  if (sample.kernelThread) {
    throw new UsageError(`PID ${pid} (${sample.comm}) is a kernel thread: it has no user memory to watch`, {
      hint: 'watch a user-space process; find PIDs with `hog ps` or pgrep',
    });
  }
  if (flags.pss || flags.uss) {
    try {
      readSmapsRollup(pid, procRoot);
    } catch (error) {
      if (!isDenied(error)) throw error;
      throw new PermissionError(`PSS/USS of PID ${pid} (${sample.comm}) are not readable by this user`, {
        hint: 'run hog as root (or with CAP_SYS_PTRACE), or watch RSS only (drop --pss/--uss)',
        cause: error,
      });
    }
  }
  return { pid, startTicks: sample.startTimeTicks, name: sample.comm, command: commandOf(sample) };
}

async function watch(
  session: RecordingSession,
  flags: WatchFlags,
  context: CliContext,
  store: Store,
  procRoot: string,
): Promise<void> {
  const { output, clock } = context;
  const live = output.isTTY && !flags.json;
  if (!flags.json) {
    const who = session.recorder.targets
      .map((t) => `PID ${t.target.pid} (${terminalText(t.target.name)})`)
      .join(', ');
    output.line(
      `hog watch: ${who} every ${flags.interval}s as ${runName(session)} in ${store.path}; Ctrl-C stops`,
    );
  }
  // a dropped SSH session (SIGHUP) ends the recording as cleanly as Ctrl-C and SIGTERM
  const stops = stopOnSignals();
  const heaps = flags.heap
    ? await recordNodeHeaps(session, procRoot, flags, context, stops.signal)
    : { done: Promise.resolve() };
  const progress = new WatchProgress(flags, output, clock);

  const loop = await recordLoop(session.recorder, {
    clock,
    intervalMs: flags.interval * 1000,
    durationMs: flags.duration === undefined ? undefined : flags.duration * 1000,
    signal: stops.signal,
    beforeFlush: () => {
      const verdicts = session.judgeLive();
      session.storeLiveVerdicts();
      progress.show(verdicts, live);
    },
    done: () => flags.untilVerdict === true && progress.allSteady(session.recorder.targets),
  });
  stops.dispose();
  stops.stop('recording ended'); // ends the heap readings too
  await heaps.done;
  if (loop.reason === 'disk-full' || loop.reason === 'store-failed') {
    const what = loop.reason === 'disk-full' ? 'disk full while recording' : 'cannot write the store';
    output.error(
      `hog: ${what} (${loop.error?.message}); stopped, what was written is kept in run ${session.runId ?? '(none)'}`,
    );
    context.exitCode = 4;
    return;
  }
  reportEnd(session, session.finish({}), loop.reason, flags, store, output);
}

/**
 * What hog watch shows while it records: on a terminal, one status line per target rewritten in
 * place; in a pipe or file, a line when a verdict changes and every PROGRESS_EVERY_S. It also counts
 * how many flushes in a row each target's verdict stayed the same (--until-verdict).
 */
class WatchProgress {
  private readonly steady = new Map<TargetState, { cls: string; count: number }>();
  private readonly reported = new Map<TargetState, string>();
  private lastProgress: number;
  private statusShown = false;

  constructor(
    private readonly flags: WatchFlags,
    private readonly output: CliContext['output'],
    private readonly clock: CliContext['clock'],
  ) {
    this.lastProgress = clock.monotonic();
  }

  show(verdicts: Map<TargetState, VerdictReport>, live: boolean): void {
    for (const [state, report] of verdicts) {
      const previous = this.steady.get(state);
      this.steady.set(state, {
        cls: report.class,
        count: previous?.cls === report.class ? previous.count + 1 : 1,
      });
    }
    if (this.flags.json) return;
    const { output } = this;
    const now = this.clock.monotonic();
    if (live) {
      const width = output.columns ?? 100;
      const lines = [...verdicts].map(([state, report]) => statusLine(state, report, width));
      output.write(
        `${this.statusShown ? `\x1b[${lines.length}F` : ''}${lines.map((l) => `${l}\x1b[K`).join('\n')}\n`,
      );
      this.statusShown = true;
      return;
    }
    // in a pipe or file: a line when a verdict changes, and every PROGRESS_EVERY_S
    const due = now - this.lastProgress >= PROGRESS_EVERY_S * 1000;
    for (const [state, report] of verdicts) {
      if (state.gone && this.reported.get(state) === 'gone') continue;
      if (due || this.reported.get(state) !== report.class) {
        output.line(statusLine(state, report, 1000));
        this.reported.set(state, state.gone ? 'gone' : report.class);
      }
    }
    if (due) this.lastProgress = now;
  }

  /** Every target gone, or with the same conclusive verdict for UNTIL_STEADY flushes in a row. */
  allSteady(targets: readonly TargetState[]): boolean {
    return targets.every((t) => {
      const s = this.steady.get(t);
      return t.gone || (s !== undefined && s.cls !== 'not-enough-data' && s.count >= UNTIL_STEADY);
    });
  }
}

/** The end of a recording: its summary as JSON, or the lines and the next command. */
function reportEnd(
  session: RecordingSession,
  result: ReturnType<RecordingSession['finish']>,
  reason: StopReason,
  flags: WatchFlags,
  store: Store,
  output: CliContext['output'],
): void {
  if (result.unstored) output.error(`hog: ${result.unstored}`);
  const summaries = summarize(result.recording, result.verdicts);
  if (flags.json) {
    output.line(
      JSON.stringify({
        run: session.runId ?? null,
        db: store.path,
        stoppedBy: reason,
        intervalSeconds: flags.interval,
        seconds: ((result.recording.run.endedAt ?? 0) - result.recording.run.startedAt) / 1000,
        series: summaries,
        notes: result.recording.notes,
      }),
    );
    return;
  }
  const why = {
    'targets-gone': 'every process exited',
    duration: 'duration reached',
    stopped: 'stopped',
    verdict: 'verdict reached',
    'disk-full': 'disk full',
    'store-failed': 'store failed',
  }[reason];
  output.line(`hog watch: run ${session.runId ?? '(not stored)'}, ${durationOf(result.recording)} (${why})`);
  output.lines(summaryLines(result.recording, summaries, output.columns ?? 100));
  if (session.runId !== undefined)
    output.line(`  next: hog plot ${session.runId} -o run-${session.runId}.svg`);
}

function statusLine(state: TargetState, report: VerdictReport, width: number): string {
  const last = state.history[state.history.length - 1];
  const spark = sparkline(
    state.history.slice(-600).map((s) => s.bytes),
    20,
  );
  const head = `PID ${state.target.pid} (${terminalText(state.target.name)})`;
  const body = state.gone
    ? `${head}: ${state.endReason ?? 'gone'}; last RSS ${formatBytes(last?.bytes ?? 0)}`
    : `${head} ${formatDuration(report.spanSeconds)} RSS ${formatBytes(last?.bytes ?? 0)} ${spark} ${verdictSummary(report)}`;
  return truncate(body, width);
}
