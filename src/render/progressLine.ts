/**
 * A one-line progress report on a terminal (stderr), redrawn in place: "\r", the text, clear to the end
 * of the line. Cleared when done, so nothing of it stays in the scrollback or in a pipe.
 */
import { truncate } from './table.js';

export interface ProgressLine {
  update(text: string): void;
  stop(): void;
}

export function openProgressLine(stream: NodeJS.WriteStream): ProgressLine {
  let shown = false;
  return {
    update(text) {
      const width = stream.columns || 80;
      stream.write(`\r${truncate(text, width - 1)}\x1b[K`);
      shown = true;
    },
    stop() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
