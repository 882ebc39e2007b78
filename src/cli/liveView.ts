/**
 * The loop every live view runs (hog top, hog net, hog disk -i): open the full screen, feed each key to
 * the view's model and act on what it says, redraw on resize, refresh on the clock's timer, and on quit
 * put everything back (timer, input, resize listener, raw mode, the shell's screen). A view says only
 * what is its own: what to draw, what a key does, what a refresh samples.
 */
import type { Clock } from '../clock.js';
import { openScreen, type Screen, type Terminal, type TerminalSize } from '../render/terminal.js';

/** What a view can ask of the loop while it runs. */
export interface LiveControl {
  size(): TerminalSize;
  /** The next refresh in `ms` rather than a whole interval on (hog top after a kill). */
  refreshIn(ms: number): void;
}

export interface LiveView<K> {
  /** The keys in a chunk of input (render/keys.ts). */
  decode(text: string): K[];
  /** The frame at this size. */
  render(size: TerminalSize): readonly string[];
  /** A key: 'quit' ends the view, 'draw' redraws it, undefined leaves the screen as it is. */
  key(key: K, live: LiveControl): 'quit' | 'draw' | undefined;
  refresh?: {
    /** Milliseconds from the end of one refresh to the next. */
    everyMs: number;
    /** Take a new sample; true to redraw (hog net paused keeps its frame). */
    run(): boolean | Promise<boolean>;
    /** True when the view has shown all it should: it ends one interval later (hog top -n). */
    done?(): boolean;
  };
  /** Ends the view when it aborts (SIGINT or SIGTERM in hog net). */
  signal?: AbortSignal;
  /** Called as the view ends, before the terminal is restored. */
  close?(): void;
}

/** Run `view` on `terminal` until a key, its refresh limit or its signal ends it; then restore the terminal. */
export function runLiveView<K>(terminal: Terminal, clock: Clock, view: LiveView<K>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    new LiveLoop(terminal, clock, view, (error) => (error === undefined ? resolve() : reject(error))).start();
  });
}

/** One run of a view: its screen, its timer, its listeners, and whether it has ended. */
class LiveLoop<K> implements LiveControl {
  private readonly screen: Screen;
  private ended = false;
  private cancelTimer: (() => void) | undefined;
  /** The refresh under way, if any: it still holds the view's sources (hog net's sampler). */
  private refreshing: Promise<unknown> = Promise.resolve();
  private stopInput = () => {};
  private stopResize = () => {};
  private readonly onAbort = () => this.finish();

  constructor(
    private readonly terminal: Terminal,
    private readonly clock: Clock,
    private readonly view: LiveView<K>,
    private readonly settle: (error?: unknown) => void,
  ) {
    this.screen = openScreen(terminal);
  }

  start(): void {
    this.stopInput = this.terminal.readInput((text) => this.guard(() => this.input(text)));
    this.stopResize = this.terminal.onResize(() => this.guard(() => this.draw()));
    this.view.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.guard(() => {
      if (this.view.signal?.aborted) {
        this.finish();
        return;
      }
      this.draw();
      this.schedule();
    });
  }

  size(): TerminalSize {
    return this.terminal.size();
  }

  refreshIn(ms: number): void {
    this.at(ms, () => this.startRefresh());
  }

  private input(text: string): void {
    for (const key of this.view.decode(text)) {
      const outcome = this.view.key(key, this);
      // keys typed after q in the same chunk go nowhere: the view has ended
      if (outcome === 'quit') {
        this.finish();
        return;
      }
      if (outcome === 'draw') this.draw();
    }
  }

  private draw(): void {
    this.screen.draw(this.view.render(this.terminal.size()));
  }

  /** The next refresh an interval on; or the end, once the view has shown all it should. */
  private schedule(): void {
    const refresh = this.view.refresh;
    if (refresh === undefined) return;
    if (refresh.done?.() === true) this.at(refresh.everyMs, () => this.finish());
    else this.refreshIn(refresh.everyMs);
  }

  /** A refresh that samples synchronously (hog top) draws before the timer's callback returns. */
  private startRefresh(): void {
    this.guard(() => {
      const redraw = this.view.refresh?.run();
      if (!(redraw instanceof Promise)) return this.refreshed(redraw);
      this.refreshing = redraw
        .then((r) => this.guard(() => this.refreshed(r)))
        .catch((error: unknown) => this.finish(error));
    });
  }

  private refreshed(redraw: boolean | undefined): void {
    if (redraw) this.draw();
    this.schedule();
  }

  private at(ms: number, fn: () => void): void {
    this.cancelTimer?.();
    this.cancelTimer = this.clock.after(ms, fn);
  }

  /** Run `fn` while the view is on; an error in it ends the view, and the run rejects with it. */
  private guard(fn: () => void): void {
    if (this.ended) return;
    try {
      fn();
    } catch (error) {
      this.finish(error);
    }
  }

  private finish(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.cancelTimer?.();
    this.stopInput();
    this.stopResize();
    this.view.signal?.removeEventListener('abort', this.onAbort);
    try {
      this.view.close?.();
    } finally {
      this.screen.close();
      // the caller closes the view's sources next: a refresh under way settles first
      void this.refreshing.finally(() => this.settle(error));
    }
  }
}
