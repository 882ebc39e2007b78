/**
 * `hog heap leak PID`: memlab's three snapshots of a running process, taken by hog itself. Snapshot A,
 * then the load (--load CMD, run to its end) and/or a wait (--interval), snapshot B, the same again,
 * snapshot C; then the objects allocated between A and B and still alive in C, clustered by retainer
 * path. Ctrl-C, SIGTERM and SIGHUP stop it cleanly: the inspector is closed, the load command
 * stopped, the snapshots removed.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../errors.js';
import { renderLeaks } from '../render/heapReport.js';
import { formatBytes, formatDuration } from '../render/units.js';
import type { CliContext } from './context.js';
import { leakReport } from './heapAnalyse.js';
import { type CaptureFlags, captureInto, SnapshotDir } from './heapCapture.js';
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

async function between(flags: LeakFlags, signal: AbortSignal): Promise<void> {
  if (flags.load !== undefined) await runLoad(flags.load, signal);
  const wait = flags.interval ?? (flags.load === undefined ? DEFAULT_INTERVAL_S : 0);
  if (wait > 0) await sleep(wait * 1000, undefined, { signal });
}

export async function runLeak(
  pid: number,
  flags: LeakFlags,
  context: CliContext,
  procRoot: string,
): Promise<void> {
  const stop = stopOnSignals();
  const dir = new SnapshotDir();
  const say = (line: string) => context.output.error(`hog heap leak: ${line}`);
  try {
    const files: string[] = [];
    for (const name of ['A', 'B', 'C']) {
      if (files.length > 0) {
        const wait = flags.interval ?? (flags.load === undefined ? DEFAULT_INTERVAL_S : 0);
        say(
          `${flags.load !== undefined ? 'running the load' : ''}${flags.load !== undefined && wait > 0 ? ', then ' : ''}${wait > 0 ? `waiting ${formatDuration(wait)}` : ''} before snapshot ${name}`,
        );
        await between(flags, stop.signal);
      }
      const taken = await captureInto(
        pid,
        join(dir.path, `${name}.heapsnapshot`),
        `snapshot ${name}`,
        flags,
        stop.signal,
        procRoot,
      );
      say(`snapshot ${name}: ${formatBytes(taken.bytes)}`);
      files.push(taken.file);
    }
    const report = await leakReport(files as [string, string, string], flags.progress);
    if (flags.json)
      context.output.line(JSON.stringify({ pid, ...(flags.keep ? { snapshots: files } : {}), ...report }));
    else context.output.lines(renderLeaks(report, flags.top));
  } finally {
    stop.dispose();
    dir.close(flags.keep, say);
  }
}
