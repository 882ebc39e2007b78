/**
 * Where command output goes. Commands write lines through an Output so tests and pipes behave:
 * a closed pipe (`hog ps | head`) ends the program quietly instead of throwing EPIPE.
 *
 * line(), lines() and error() carry no terminal control of hog's own, so they escape any control
 * character but the newline (terminalText.ts): a last guard should a name from another user reach one
 * unescaped. Each command escapes such names where it prints them, newlines included; write() is raw,
 * for the commands that draw in place with escape sequences.
 */
import { closeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { terminalText } from '../render/terminalText.js';

export interface Output {
  /** stdout is a terminal. */
  readonly isTTY: boolean;
  /** Terminal width when stdout is a terminal, else undefined (never cut lines in pipes). */
  readonly columns: number | undefined;
  readonly rows: number | undefined;
  write(text: string): void;
  line(text?: string): void;
  lines(lines: readonly string[]): void;
  error(text: string): void;
  /**
   * Resolves when what was written has gone out (stdout to a pipe queues in memory when the reader is
   * slower): a command that prints a million lines awaits it now and then, so its memory stays bounded.
   */
  drained?(): Promise<void>;
}

export function processOutput(stdout: NodeJS.WriteStream = process.stdout, stderr = process.stderr): Output {
  releaseHungUpTerminalAtExit();
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    // EIO: the terminal hung up (a dropped SSH session); a recording still ends cleanly, unheard
    if (error.code === 'EIO') return;
    throw error;
  });
  stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EIO' && error.code !== 'EPIPE') throw error;
  });
  return {
    get isTTY() {
      return stdout.isTTY === true;
    },
    get columns() {
      return stdout.isTTY ? stdout.columns : undefined;
    },
    get rows() {
      return stdout.isTTY ? stdout.rows : undefined;
    },
    write: (text) => {
      stdout.write(text);
    },
    line: (text = '') => {
      stdout.write(`${guard(text)}\n`);
    },
    lines: (lines) => {
      if (lines.length > 0) stdout.write(`${guard(lines.join('\n'))}\n`);
    },
    error: (text) => {
      stderr.write(`${guard(text)}\n`);
    },
    drained: () =>
      stdout.writableNeedDrain
        ? new Promise<void>((resolve) => {
            const done = () => {
              stdout.off('drain', done);
              stdout.off('close', done);
              resolve();
            };
            stdout.once('drain', done);
            stdout.once('close', done);
          })
        : // a write that completed at once still frees its request on the event loop: let it turn
          new Promise<void>((resolve) => setImmediate(resolve)),
  };
}

/** hog's own lines: every control character but the newline escaped. */
const guard = (text: string): string => terminalText(text, { keepNewlines: true });

/**
 * Node 20 aborts as it exits (SIGABRT, exit 134: ResetStdio's tcsetattr check, nodejs/node#51519, fixed
 * by nodejs/node#58200 in later releases) when the terminal it started on has hung up, as after a
 * dropped SSH session. A hung-up terminal fails isatty(); its descriptors are closed at the very end,
 * on 'exit', after which no JavaScript runs that could reuse them: Node then skips them.
 */
function releaseHungUpTerminalAtExit(): void {
  const onTerminal = [0, 1, 2].filter((fd) => isatty(fd));
  if (onTerminal.length === 0) return;
  process.once('exit', () => {
    for (const fd of onTerminal) {
      if (isatty(fd)) continue;
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
  });
}
