/**
 * Snapshots hog takes itself for analysis (hog heap summary PID, hog heap leak PID): written into a
 * private temporary directory (mkdtemp, mode 0700: a heap holds the process's secrets) through the
 * inspector session (src/inspector/snapshot.ts), and removed afterwards unless the user keeps them.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HogError, isHogError } from '../errors.js';
import { captureHeapSnapshot } from '../inspector/snapshot.js';
import { openProgressLine } from '../render/progressLine.js';
import { formatBytes } from '../render/units.js';
import { inspectorWatchdog } from './inspectorWatchdog.js';

export interface CaptureFlags {
  sigusr1?: boolean;
  force?: boolean;
  keep?: boolean;
}

/** A PID when the argument is all digits and no file of that name exists here. */
export function pidArgument(target: string): number | undefined {
  return /^\d+$/.test(target) && !existsSync(target) ? Number(target) : undefined;
}

export class SnapshotDir {
  readonly path = mkdtempSync(join(tmpdir(), 'hog-heap-'));

  /** Remove the snapshots, or say where they are when the user keeps them. */
  close(keep: boolean | undefined, say: (line: string) => void): void {
    if (keep) say(`snapshots kept in ${this.path}`);
    else rmSync(this.path, { recursive: true, force: true });
  }
}

/** One snapshot of PID into `file`, with "snapshot NAME: 12.0 MiB of ~40.0 MiB" on a terminal's stderr. */
export async function captureInto(
  pid: number,
  file: string,
  label: string,
  flags: CaptureFlags,
  signal: AbortSignal,
  procRoot: string,
): Promise<{ bytes: number; file: string }> {
  const line = process.stderr.isTTY ? openProgressLine(process.stderr) : undefined;
  let drawn = 0;
  try {
    return await captureHeapSnapshot(pid, file, {
      force: flags.force,
      sigusr1: flags.sigusr1,
      procRoot,
      watchdog: inspectorWatchdog,
      signal,
      onProgress: (done, estimate) => {
        const now = Date.now();
        if (now - drawn < 100) return;
        drawn = now;
        line?.update(`${label}: ${formatBytes(done)}${estimate ? ` of ~${formatBytes(estimate)}` : ''}`);
      },
    });
  } catch (error) {
    if (!signal.aborted || isHogError(error)) throw error;
    throw new HogError(
      `${(signal.reason as Error).message} while taking ${label}; PID ${pid} left as it was`,
      {
        cause: error,
      },
    );
  } finally {
    line?.stop();
  }
}
