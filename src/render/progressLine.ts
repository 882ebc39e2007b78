/**
 * A one-line progress report on a terminal (stderr), redrawn in place: "\r", the text, clear to the end
 * of the line. Cleared when done, so nothing of it stays in the scrollback or in a pipe.
 */
import { truncate } from './table.js';
import { terminalText } from './terminalText.js';

export interface ProgressLine {
  update(text: string): void;
  stop(): void;
}

export function openProgressLine(stream: NodeJS.WriteStream): ProgressLine {
  let shown = false;
  return {
    update(text) {
      const width = stream.columns || 80;
      // the text names the path being scanned: a newline or an escape in it must not reach the terminal
      stream.write(`\r${truncate(terminalText(text), width - 1)}\x1b[K`);
      shown = true;
    },
    stop() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
