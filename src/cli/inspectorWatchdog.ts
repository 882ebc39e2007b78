/**
 * The watchdog for the one moment the close guard cannot cover: between SIGUSR1 and the guard being
 * armed inside the target (20-40 ms), a hog killed with SIGKILL would leave the inspector open for
 * good. Right before the signal hog starts a detached shell (its own session: Ctrl-C on the terminal
 * does not reach it) that waits on a pipe from hog. hog writes "ok" once the guard is armed or the
 * attempt failed, and the shell exits. If the pipe closes without it (hog died), the shell runs
 * `hog heap close-inspector`, which finds the inspector that signal opened and closes it.
 * A shell costs ~1 ms to start; hog itself runs only when it is needed.
 */
import { spawn } from 'node:child_process';

const SCRIPT = 'read -r line; [ "$line" = ok ] || exec "$@"';

export function inspectorWatchdog(
  pid: number,
  startTicks: number,
  portsBefore: readonly number[],
): { disarm(): void } {
  const hog = process.argv[1] as string; // bin/hog, as Node.js resolved it: an absolute path
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      SCRIPT,
      'hog-inspector-watchdog',
      process.execPath,
      hog,
      'heap',
      'close-inspector',
      String(pid),
      '--start-ticks',
      String(startTicks),
      '--ports-before',
      portsBefore.join(','),
    ],
    { detached: true, stdio: ['pipe', 'ignore', 'ignore'], cwd: '/' },
  );
  child.on('error', () => undefined); // no /bin/sh: the guard alone, as without a watchdog
  child.stdin?.on('error', () => undefined);
  child.unref();
  return {
    disarm() {
      child.stdin?.end('ok\n');
    },
  };
}
