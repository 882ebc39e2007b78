/**
 * Full-screen terminal drawing for live views (hog top, and later hog net and hog disk -i):
 * alternate screen, hidden cursor, raw keyboard input, and a redraw that overwrites the screen in place
 * (cursor home, each line then "clear to end of line", then "clear below") so nothing flickers or scrolls.
 */
const CSI = '\x1b[';

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
  return {
    draw(lines) {
      stdout.write(`${CSI}H${lines.map((l) => `${l}${CSI}K`).join('\r\n')}${CSI}J`);
    },
    close() {
      restore();
      process.removeListener('exit', restore);
    },
  };
}
