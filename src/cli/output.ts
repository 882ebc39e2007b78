/**
 * Where command output goes. Commands write lines through an Output so tests and pipes behave:
 * a closed pipe (`hog ps | head`) ends the program quietly instead of throwing EPIPE.
 */
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
      stdout.write(`${text}\n`);
    },
    lines: (lines) => {
      if (lines.length > 0) stdout.write(`${lines.join('\n')}\n`);
    },
    error: (text) => {
      stderr.write(`${text}\n`);
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
