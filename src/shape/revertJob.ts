/**
 * One scheduled revert as the three mechanisms see it, and the guard every one of them runs first:
 * the revert acts only while its record still exists (cancelRevert removes it first), then runs
 * `hog shape remove --dev IF ID --if-created-at MS`, which itself removes the rule only if it is
 * still the rule this revert was made for.
 */
import { spawnSync } from 'node:child_process';

export interface RevertJob {
  /** revertKey(): plain characters, for unit names and file names. */
  key: string;
  createdAt: number;
  /** ms since the epoch, and ms from now. */
  dueAt: number;
  delayMs: number;
  /** The revert command, already wrapped in the record guard (guardedCommand). */
  command: string[];
  recordPath: string;
  logPath: string;
  /** Environment the revert needs (HOG_* settings), for mechanisms that do not inherit hog's. */
  env: Record<string, string>;
}

/** The handle a mechanism gives back, kept in the record to cancel it. */
export interface RevertHandle {
  unit?: string;
  atJob?: number;
  pid?: number;
  startTimeTicks?: number;
}

/** `sh -c` guard: nothing happens once the record is gone (the revert was cancelled). */
export function guardedCommand(recordPath: string, command: readonly string[]): string[] {
  return ['/bin/sh', '-c', '[ -e "$0" ] || exit 0; exec "$@"', recordPath, ...command];
}

/** Quote one word for sh: inside single quotes everything is literal but the quote itself. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Short-lived helper commands (systemd-run, at, atrm): bounded, output captured. */
export function runTool(
  command: string,
  args: string[],
  input?: string,
): { ok: boolean; stdout: string; said: string } {
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: 10_000,
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: '/',
  });
  const said = r.error?.message ?? (`${r.stderr}`.trim() || `${r.stdout}`.trim() || `exit ${r.status}`);
  return { ok: !r.error && r.status === 0, stdout: r.stdout ?? '', said };
}
