/**
 * Where command output goes. Commands write lines through an Output so tests and pipes behave:
 * a closed pipe (`hog ps | head`) ends the program quietly instead of throwing EPIPE.
 *
 * line(), lines() and error() carry no terminal control of hog's own, so they escape any control
 * character but the newline (terminalText.ts): a last guard should a name from another user reach one
 * unescaped. Each command escapes such names where it prints them, newlines included; write() is raw,
 * for the commands that draw in place with escape sequences.
 */
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
}

export function processOutput(stdout: NodeJS.WriteStream = process.stdout, stderr = process.stderr): Output {
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
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
  };
}

/** hog's own lines: every control character but the newline escaped. */
const guard = (text: string): string => terminalText(text, { keepNewlines: true });
