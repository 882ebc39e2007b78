/**
 * The loop of the live views (src/cli/liveView.ts) on a fake terminal and a manual clock: a key reaches
 * the view and redraws, keys after q go nowhere, a resize redraws at the new size, the refresh runs on
 * the clock (sooner when asked, and ends the view when it is done), an abort or an error ends the view,
 * and every end puts the terminal back as it was.
 */
import { describe, expect, it } from 'vitest';
import { type LiveView, runLiveView } from '../../src/cli/liveView.js';
import { manualClock } from '../../src/clock.js';
import { LEAVE_SCREEN } from '../../src/render/terminal.js';
import { FakeTerminal } from '../helpers/fakeTerminal.js';

/** A view that shows its size, how many samples it took and the keys it was given. */
function counterView(overrides: Partial<LiveView<string>> = {}) {
  const seen = { keys: '', samples: 0 };
  const view: LiveView<string> = {
    decode: (text) => [...text],
    render: ({ width, height }) => [`${width}x${height} samples ${seen.samples}`, `keys ${seen.keys}`],
    key: (key) => {
      if (key === 'q') return 'quit';
      seen.keys += key;
      return key === '.' ? undefined : 'draw';
    },
    ...overrides,
  };
  return { view, seen };
}

function expectRestored(terminal: FakeTerminal): void {
  expect(terminal.written.at(-1)).toBe(LEAVE_SCREEN);
  expect(terminal.alternateScreen).toBe(false);
  expect(terminal.cursorShown).toBe(true);
  expect(terminal.raw).toBe(false);
  expect(terminal.reading).toBe(false);
  expect(terminal.resizeListenerCount).toBe(0);
}

describe('runLiveView', () => {
  it('draws at once on the alternate screen, redraws after a key, and q restores the terminal', async () => {
    const terminal = new FakeTerminal(40, 5);
    const { view } = counterView();
    const done = runLiveView(terminal, manualClock(), view);
    expect(terminal.alternateScreen).toBe(true);
    expect(terminal.cursorShown).toBe(false);
    expect(terminal.raw).toBe(true);
    expect(terminal.screen().slice(0, 2)).toEqual(['40x5 samples 0', 'keys']);
    terminal.type('ab');
    expect(terminal.screen()[1]).toBe('keys ab');
    // a key the view says changes nothing on screen writes nothing
    const writes = terminal.written.length;
    terminal.type('.');
    expect(terminal.written).toHaveLength(writes);
    terminal.type('q');
    await expect(done).resolves.toBeUndefined();
    expectRestored(terminal);
  });

  it('keys after q, in the same chunk or later, go nowhere', async () => {
    const terminal = new FakeTerminal(40, 5);
    const { view, seen } = counterView();
    const done = runLiveView(terminal, manualClock(), view);
    terminal.type('xqyz');
    await done;
    const writes = terminal.written.length;
    terminal.type('w');
    terminal.resize(50, 6);
    expect(seen.keys).toBe('x');
    expect(terminal.written).toHaveLength(writes);
  });

  it('a resize redraws the whole frame at the new size', async () => {
    const terminal = new FakeTerminal(40, 5);
    const { view } = counterView();
    const done = runLiveView(terminal, manualClock(), view);
    terminal.resize(100, 30);
    expect(terminal.screen()[0]).toBe('100x30 samples 0');
    // the whole screen, not only the changed lines
    expect(terminal.written.at(-1)).toBe('\x1b[H100x30 samples 0\x1b[K\r\nkeys \x1b[K\x1b[J');
    terminal.type('q');
    await done;
  });

  it('refreshes on the clock, an interval after the previous refresh, and sooner when asked', async () => {
    const terminal = new FakeTerminal(40, 5);
    const clock = manualClock();
    const { view, seen } = counterView();
    view.refresh = {
      everyMs: 2000,
      run: () => {
        seen.samples++;
        return true;
      },
    };
    view.key = (key, live) => {
      if (key === 'q') return 'quit';
      live.refreshIn(300);
      return undefined;
    };
    const done = runLiveView(terminal, clock, view);
    clock.advance(1999);
    expect(seen.samples).toBe(0);
    clock.advance(1);
    expect(terminal.screen()[0]).toBe('40x5 samples 1');
    clock.advance(2000);
    expect(terminal.screen()[0]).toBe('40x5 samples 2');
    terminal.type('k');
    clock.advance(300);
    expect(terminal.screen()[0]).toBe('40x5 samples 3');
    // the next one an interval after that sooner refresh, not on the old schedule
    clock.advance(1999);
    expect(seen.samples).toBe(3);
    clock.advance(1);
    expect(seen.samples).toBe(4);
    terminal.type('q');
    await done;
    clock.advance(10_000);
    expect(seen.samples).toBe(4);
  });

  it('a refresh that says not to redraw leaves the frame; a view that is done ends an interval later', async () => {
    const terminal = new FakeTerminal(40, 5);
    const clock = manualClock();
    const { view, seen } = counterView();
    view.refresh = {
      everyMs: 1000,
      run: () => ++seen.samples !== 2,
      done: () => seen.samples >= 3,
    };
    const done = runLiveView(terminal, clock, view);
    clock.advance(1000);
    expect(terminal.screen()[0]).toBe('40x5 samples 1');
    clock.advance(1000);
    expect(terminal.screen()[0]).toBe('40x5 samples 1');
    clock.advance(1000);
    expect(terminal.screen()[0]).toBe('40x5 samples 3');
    expect(terminal.alternateScreen).toBe(true);
    clock.advance(1000);
    await done;
    expect(seen.samples).toBe(3);
    expectRestored(terminal);
  });

  it('an asynchronous refresh under way: quit restores at once, the run settles when the refresh has', async () => {
    const terminal = new FakeTerminal(40, 5);
    const clock = manualClock();
    let finishSample: () => void = () => {};
    const { view, seen } = counterView();
    view.refresh = {
      everyMs: 1000,
      run: () =>
        new Promise<boolean>((resolve) => {
          finishSample = () => {
            seen.samples++;
            resolve(true);
          };
        }),
    };
    let settled = false;
    const done = runLiveView(terminal, clock, view).then(() => {
      settled = true;
    });
    clock.advance(1000);
    terminal.type('q');
    expectRestored(terminal);
    await Promise.resolve();
    expect(settled).toBe(false);
    const writes = terminal.written.length;
    finishSample();
    await done;
    // the sample that came in after quit drew nothing on the shell's screen
    expect(terminal.written).toHaveLength(writes);
  });

  it('an abort ends the view; one aborted before it starts never draws a frame', async () => {
    const terminal = new FakeTerminal(40, 5);
    const stop = new AbortController();
    const { view } = counterView({ signal: stop.signal });
    const done = runLiveView(terminal, manualClock(), view);
    stop.abort();
    await done;
    expectRestored(terminal);

    const again = new FakeTerminal(40, 5);
    const { view: late } = counterView({ signal: stop.signal });
    await runLiveView(again, manualClock(), late);
    expect(again.screen()[0]).toBe('');
    expectRestored(again);
  });

  it('an error in a key or a refresh restores the terminal, calls close, and rejects with it', async () => {
    for (const where of ['key', 'refresh'] as const) {
      const terminal = new FakeTerminal(40, 5);
      const clock = manualClock();
      let closed = 0;
      const { view } = counterView({
        close: () => {
          closed++;
        },
      });
      const broken = () => {
        throw new Error(`broken ${where}`);
      };
      if (where === 'key') view.key = broken;
      else view.refresh = { everyMs: 10, run: broken };
      const done = runLiveView(terminal, clock, view);
      terminal.type('x');
      clock.advance(10);
      await expect(done).rejects.toThrow(`broken ${where}`);
      expect(closed).toBe(1);
      expectRestored(terminal);
    }
  });
});
