/**
 * `hog heap leak PID`: memlab's three snapshots of a running process, taken by hog itself. Snapshot A,
 * then the load (--load CMD, run to its end) and/or a wait (--interval), snapshot B, the same again,
 * snapshot C; then the objects allocated between A and B and still alive in C, clustered by retainer
 * path. The three go through one inspector session: V8 forgets its object ids when a session closes,
 * and the method matches objects by id. Ctrl-C, SIGTERM and SIGHUP stop it cleanly: the inspector is closed, the load command
 * stopped, the snapshots removed.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HogError, isHogError, UsageError } from '../errors.js';
import { captureHeapSnapshotSeries } from '../inspector/snapshot.js';
import { renderLeaks } from '../render/heapReport.js';
import { openProgressLine } from '../render/progressLine.js';
import { formatBytes, formatDuration } from '../render/units.js';
import type { CliContext } from './context.js';
import { leakReport } from './heapAnalyse.js';
import { type CaptureFlags, SnapshotDir } from './heapCapture.js';
import { inspectorWatchdog } from './inspectorWatchdog.js';
import { stopOnSignals } from './stopSignals.js';

export interface LeakFlags extends CaptureFlags {
  interval?: number;
  load?: string;
  json?: boolean;
  top: number;
  progress: boolean;
}

/** Without --load, the time the application gets to leak between snapshots. */
export const DEFAULT_INTERVAL_S = 30;

/** Run the load command through sh, its output to hog's stderr (stdout stays hog's report). */
async function runLoad(command: string, signal: AbortSignal): Promise<void> {
  const child = spawn('sh', ['-c', command], { stdio: ['ignore', process.stderr, process.stderr], signal });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (error) => (signal.aborted ? resolve(null) : reject(error)));
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  signal.throwIfAborted();
  if (code !== 0) {
    throw new UsageError(`the --load command exited with ${code}: ${JSON.stringify(command)}`, {
      hint: 'hog stopped before the next snapshot; fix the command (it runs with sh -c) and try again',
    });
  }
}

async function between(flags: LeakFlags, wait: number, signal: AbortSignal): Promise<void> {
  if (flags.load !== undefined) await runLoad(flags.load, signal);
  if (wait > 0) await sleep(wait * 1000, undefined, { signal });
}

const SNAPSHOT_NAMES = ['A', 'B', 'C'];

export async function runLeak(
  pid: number,
  flags: LeakFlags,
  context: CliContext,
  procRoot: string,
): Promise<void> {
  const stop = stopOnSignals();
  const dir = new SnapshotDir();
  const say = (line: string) => context.output.error(`hog heap leak: ${line}`);
  const progress = snapshotProgress(flags.progress, say);
  try {
    const wait = flags.interval ?? (flags.load === undefined ? DEFAULT_INTERVAL_S : 0);
    const taken = await captureHeapSnapshotSeries(
      pid,
      SNAPSHOT_NAMES.map((name) => join(dir.path, `${name}.heapsnapshot`)),
      async (index) => {
        progress.current = index;
        say(`${betweenText(flags, wait)} before snapshot ${SNAPSHOT_NAMES[index]}`);
        await between(flags, wait, stop.signal);
      },
      {
        force: flags.force,
        sigusr1: flags.sigusr1,
        procRoot,
        watchdog: inspectorWatchdog,
        signal: stop.signal,
        onProgress: progress.onProgress,
        onSnapshot: progress.onSnapshot,
      },
    ).catch((error: unknown) => {
      if (!stop.signal.aborted || isHogError(error)) throw error;
      throw new HogError(
        `${(stop.signal.reason as Error).message}: no leak report, PID ${pid} left as it was`,
        { cause: error },
      );
    });
    const files = taken.map((t) => t.file) as [string, string, string];
    const report = await leakReport(files, flags.progress);
    if (flags.json)
      context.output.line(JSON.stringify({ pid, ...(flags.keep ? { snapshots: files } : {}), ...report }));
    else context.output.lines(renderLeaks(report, flags.top));
  } finally {
    progress.stop();
    stop.dispose();
    dir.close(flags.keep, say);
  }
}

/** What happens before the next snapshot: "running the load, then waiting 30s". */
function betweenText(flags: LeakFlags, wait: number): string {
  const doing = [
    flags.load !== undefined ? 'running the load' : '',
    wait > 0 ? `waiting ${formatDuration(wait)}` : '',
  ];
  return doing.filter((d) => d !== '').join(', then ');
}

/**
 * The snapshot being written, as a line redrawn in place on a terminal (with progress on), and a line
 * for each snapshot written.
 */
function snapshotProgress(enabled: boolean, say: (line: string) => void) {
  const line = enabled && process.stderr.isTTY ? openProgressLine(process.stderr) : undefined;
  let drawn = 0;
  const progress = {
    /** Index of the snapshot being written. */
    current: 0,
    onProgress(done: number, estimate?: number) {
      const now = Date.now();
      if (now - drawn < 100) return;
      drawn = now;
      line?.update(
        `snapshot ${SNAPSHOT_NAMES[progress.current]}: ${formatBytes(done)}${estimate ? ` of ~${formatBytes(estimate)}` : ''}`,
      );
    },
    onSnapshot(index: number, bytes: number) {
      line?.stop();
      say(`snapshot ${SNAPSHOT_NAMES[index]}: ${formatBytes(bytes)}`);
    },
    stop() {
      line?.stop();
    },
  };
  return progress;
}
