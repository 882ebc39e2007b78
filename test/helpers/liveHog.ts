/**
 * hog run in-process on a fake terminal and a manual clock (test/helpers/fakeTerminal.ts): keys in,
 * frames out, time moved by the test, no tmux and no sleeping. main() is the CLI's own entry point, so
 * the command line, the TTY checks and the exit code are the real ones.
 */

import { expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import { manualClock } from '../../src/clock.js';
import { LEAVE_SCREEN } from '../../src/render/terminal.js';
import { FakeTerminal } from './fakeTerminal.js';
import { waitFor } from './processes.js';
import { textOutput } from './textOutput.js';

/** A wall-clock start that reads the same in every run. */
export const START_MS = Date.UTC(2026, 0, 5, 9, 30, 0);

export function startLiveHog(
  args: string[],
  { width = 80, height = 24, inputIsTTY = true, outputIsTTY = true } = {},
) {
  const terminal = new FakeTerminal(width, height);
  terminal.inputIsTTY = inputIsTTY;
  terminal.outputIsTTY = outputIsTTY;
  const clock = manualClock(START_MS);
  const output = textOutput();
  let code: number | undefined;
  const exit = main(args, output, { terminal, clock }).then((c) => {
    code = c;
    return c;
  });
  return {
    terminal,
    clock,
    output,
    exit,
    /** The exit code once hog has returned, else undefined. */
    get code() {
      return code;
    },
    /** The screen once `check` holds for it (a refresh that reads sockets settles on its own time). */
    screenWhen(check: (lines: string[]) => boolean, what: string): Promise<string[]> {
      return waitFor(
        () => {
          if (code !== undefined) throw new Error(`hog exited (${code}) before ${what}: ${output.err}`);
          const lines = terminal.screen();
          return check(lines) && lines;
        },
        what,
        10_000,
        10,
      );
    },
  };
}

/**
 * After hog has exited: a key, ten seconds of clock and a resize write nothing, and hog no longer
 * reads the keyboard or listens for resizes (the screen is the shell's again).
 */
export function expectSilentAfterExit(hog: ReturnType<typeof startLiveHog>, key: string): void {
  const writes = hog.terminal.written.length;
  hog.terminal.type(key);
  hog.clock.advance(10_000);
  hog.terminal.resize(100, 30);
  expect(hog.terminal.written).toHaveLength(writes);
  expect(hog.terminal.reading).toBe(false);
  expect(hog.terminal.resizeListenerCount).toBe(0);
}

/** The terminal as hog found it: the alternate screen left last, the cursor shown, raw mode off. */
export function expectScreenRestored(hog: ReturnType<typeof startLiveHog>): void {
  expect(hog.terminal.written.at(-1)).toBe(LEAVE_SCREEN);
  expect(hog.terminal.alternateScreen).toBe(false);
  expect(hog.terminal.cursorShown).toBe(true);
  expect(hog.terminal.raw).toBe(false);
}
