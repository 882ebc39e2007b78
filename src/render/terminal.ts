/**
 * Full-screen terminal drawing for live views (hog top, and later hog net and hog disk -i):
 * alternate screen, hidden cursor, raw keyboard input, and a redraw that overwrites the screen in place
 * (cursor home, each line then "clear to end of line", then "clear below") so nothing flickers or scrolls;
 * later draws rewrite only the lines that changed.
 */
const CSI = '\x1b[';
/** Every this many draws the whole screen is written again, changed or not. */
const FULL_REDRAW_EVERY = 30;

export interface Screen {
  draw(lines: readonly string[]): void;
  close(): void;
}

export function openScreen(stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream): Screen {
  stdout.write(`${CSI}?1049h${CSI}?25l`);
  if (stdin.isTTY) stdin.setRawMode(true);
  let closed = false;
  const restore = () => {
    if (closed) return;
    closed = true;
    if (stdin.isTTY) stdin.setRawMode(false);
    stdout.write(`${CSI}?25h${CSI}?1049l`);
  };
  process.once('exit', restore);
  let shown: { lines: readonly string[]; columns: number | undefined; rows: number | undefined } | undefined;
  let draws = 0;
  return {
    draw(lines) {
      draws++;
      const { columns, rows } = stdout;
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
        stdout.write(`${CSI}H${lines.map((l) => `${l}${CSI}K`).join('\r\n')}${CSI}J`);
      } else {
        let changed = '';
        for (let i = 0; i < lines.length; i++) {
          if (lines[i] !== shown?.lines[i]) changed += `${CSI}${i + 1};1H${lines[i]}${CSI}K`;
        }
        if (changed !== '') stdout.write(changed);
      }
      shown = { lines, columns, rows };
    },
    close() {
      restore();
      process.removeListener('exit', restore);
    },
  };
}
