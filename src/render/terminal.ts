/**
 * Full-screen terminal drawing for live views (hog top, hog net, hog disk -i):
 * alternate screen, hidden cursor, raw keyboard input, and a redraw that overwrites the screen in place
 * (cursor home, each line then "clear to end of line", then "clear below") so nothing flickers or scrolls;
 * later draws rewrite only the lines that changed.
 */
const CSI = '\x1b[';
/** Every this many draws the whole screen is written again, changed or not. */
const FULL_REDRAW_EVERY = 30;

export interface TerminalSize {
  width: number;
  height: number;
}

/**
 * The terminal a command talks to: keys in, text out, its size and resizes. The CLI wires it to the
 * process's stdin and stdout (cli/processTerminal.ts); tests drive commands through a fake one.
 */
export interface Terminal {
  /** Keys can be read: stdin is a terminal. */
  readonly inputIsTTY: boolean;
  /** Frames can be drawn: stdout is a terminal. */
  readonly outputIsTTY: boolean;
  /** Columns and rows; 80x24 when the terminal does not say. */
  size(): TerminalSize;
  write(text: string): void;
  setRawMode(raw: boolean): void;
  /** Read input: every chunk goes to `listener` until the returned stop is called, which pauses input. */
  readInput(listener: (text: string) => void): () => void;
  /** Call `listener` on every resize until the returned stop is called. */
  onResize(listener: () => void): () => void;
  /** Ask on stderr and read one line of input (the y/N questions of hog disk clean and --reclaim). */
  question(prompt: string): Promise<string>;
}

export interface Screen {
  draw(lines: readonly string[]): void;
  close(): void;
}

/** What leaves a live view: the cursor shown again, the alternate screen left (the shell's text is back). */
export const LEAVE_SCREEN = `${CSI}?25h${CSI}?1049l`;

export function openScreen(terminal: Terminal): Screen {
  terminal.write(`${CSI}?1049h${CSI}?25l`);
  if (terminal.inputIsTTY) terminal.setRawMode(true);
  let closed = false;
  const restore = () => {
    if (closed) return;
    closed = true;
    if (terminal.inputIsTTY) terminal.setRawMode(false);
    terminal.write(LEAVE_SCREEN);
  };
  process.once('exit', restore);
  let shown: { lines: readonly string[]; columns: number; rows: number } | undefined;
  let draws = 0;
  return {
    draw(lines) {
      draws++;
      const { width: columns, height: rows } = terminal.size();
      // Rewrite only the lines that changed (hog top redraws every 2 s and most of the screen stays:
      // fewer bytes for the terminal, and over a slow SSH link in an incident). The whole screen
      // after a resize, when the number of lines changed, and every FULL_REDRAW_EVERY draws, to repair
      // anything else that wrote on the terminal.
      const full =
        shown === undefined ||
        shown.lines.length !== lines.length ||
        shown.columns !== columns ||
        shown.rows !== rows ||
        draws % FULL_REDRAW_EVERY === 0;
      if (full) {
        terminal.write(`${CSI}H${lines.map((l) => `${l}${CSI}K`).join('\r\n')}${CSI}J`);
      } else {
        let changed = '';
        for (let i = 0; i < lines.length; i++) {
          if (lines[i] !== shown?.lines[i]) changed += `${CSI}${i + 1};1H${lines[i]}${CSI}K`;
        }
        if (changed !== '') terminal.write(changed);
      }
      shown = { lines, columns, rows };
    },
    close() {
      restore();
      process.removeListener('exit', restore);
    },
  };
}
