/**
 * A terminal for driving the live views in-process (src/render/terminal.ts's Terminal): the test types
 * keys and resizes it; what the view wrote is kept as bytes and played on a small screen model that
 * understands the sequences hog writes (cursor moves, clear to end of line and below, the alternate
 * screen, the cursor shown or hidden, colours ignored), so a test reads the screen as a user would.
 */
import type { Terminal, TerminalSize } from '../../src/render/terminal.js';

export class FakeTerminal implements Terminal {
  inputIsTTY = true;
  outputIsTTY = true;
  raw = false;
  /** Everything written, one entry per write. */
  readonly written: string[] = [];
  /** The questions asked, and the answers to give them in order. */
  readonly questions: string[] = [];
  readonly answers: string[] = [];
  alternateScreen = false;
  cursorShown = true;
  private reader: ((text: string) => void) | undefined;
  private readonly resizeListeners = new Set<() => void>();
  private rows: string[];
  private row = 0;
  private column = 0;

  constructor(
    public width = 80,
    public height = 24,
  ) {
    this.rows = this.blank();
  }

  size(): TerminalSize {
    return { width: this.width, height: this.height };
  }

  write(text: string): void {
    this.written.push(text);
    this.play(text);
  }

  setRawMode(raw: boolean): void {
    this.raw = raw;
  }

  readInput(listener: (text: string) => void): () => void {
    this.reader = listener;
    return () => {
      if (this.reader === listener) this.reader = undefined;
    };
  }

  onResize(listener: () => void): () => void {
    this.resizeListeners.add(listener);
    return () => this.resizeListeners.delete(listener);
  }

  question(prompt: string): Promise<string> {
    this.questions.push(prompt);
    return Promise.resolve(this.answers.shift() ?? '');
  }

  /** Someone is reading the keyboard. */
  get reading(): boolean {
    return this.reader !== undefined;
  }

  /** Type keys (raw bytes, as a terminal sends them: '\x1b[A' is ↑). Nobody reading: they go nowhere. */
  type(text: string): void {
    this.reader?.(text);
  }

  /** Resize the window, as the user dragging it does: listeners hear of it. */
  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.rows = this.blank();
    for (const listener of [...this.resizeListeners]) listener();
  }

  get resizeListenerCount(): number {
    return this.resizeListeners.size;
  }

  /** The screen as the terminal shows it, trailing spaces cut. */
  screen(): string[] {
    return this.rows.map((r) => r.trimEnd());
  }

  private blank(): string[] {
    return Array.from({ length: this.height }, () => ' '.repeat(this.width));
  }

  private play(text: string): void {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: reading terminal escape sequences
    const pattern = /\x1b\[([?\d;]*)([A-Za-z])|\r|\n|[^\x1b\r\n]+/gy;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const [all, params = '', final] = m;
      if (final !== undefined) this.control(params, final);
      else if (all === '\r') this.column = 0;
      else if (all === '\n') this.row = Math.min(this.height - 1, this.row + 1);
      else this.put(all);
    }
  }

  private control(params: string, final: string): void {
    if (params === '?1049' && (final === 'h' || final === 'l')) {
      this.alternateScreen = final === 'h';
      this.rows = this.blank();
    } else if (params === '?25' && (final === 'h' || final === 'l')) this.cursorShown = final === 'h';
    else if (final === 'H') {
      const [r = 1, c = 1] = params.split(';').map((p) => Number(p || 1));
      this.row = r - 1;
      this.column = c - 1;
    } else if (final === 'K') this.setRow(this.row, this.line(this.row).slice(0, this.column));
    else if (final === 'J') {
      this.setRow(this.row, this.line(this.row).slice(0, this.column));
      for (let r = this.row + 1; r < this.height; r++) this.setRow(r, '');
    }
    // m (colours) and anything else: no change to the text
  }

  private put(text: string): void {
    const line = this.line(this.row);
    const chars = [...text].slice(0, Math.max(0, this.width - this.column)).join('');
    this.setRow(this.row, line.slice(0, this.column) + chars + line.slice(this.column + chars.length));
    this.column += chars.length;
  }

  private line(r: number): string {
    return this.rows[r] ?? '';
  }

  private setRow(r: number, text: string): void {
    if (r >= 0 && r < this.height) this.rows[r] = text.padEnd(this.width).slice(0, this.width);
  }
}
