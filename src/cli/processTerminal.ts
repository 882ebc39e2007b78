/**
 * The terminal of the running process: keys from stdin, frames to stdout, questions on stderr. The
 * streams are looked up when used, not when hog starts: process.stdin is created on first access, and a
 * command that never reads keys (hog ps in a pipe) should not create it.
 */
import type { Terminal } from '../render/terminal.js';

export function processTerminal(): Terminal {
  return {
    get inputIsTTY() {
      return process.stdin.isTTY === true;
    },
    get outputIsTTY() {
      return process.stdout.isTTY === true;
    },
    size: () => ({ width: process.stdout.columns || 80, height: process.stdout.rows || 24 }),
    write: (text) => {
      process.stdout.write(text);
    },
    setRawMode: (raw) => {
      process.stdin.setRawMode(raw);
    },
    readInput(listener) {
      const stdin = process.stdin;
      const onData = (chunk: Buffer) => listener(chunk.toString('utf8'));
      stdin.on('data', onData);
      stdin.resume();
      return () => {
        stdin.removeListener('data', onData);
        stdin.pause();
      };
    },
    onResize(listener) {
      const stdout = process.stdout;
      stdout.on('resize', listener);
      return () => stdout.removeListener('resize', listener);
    },
    async question(prompt) {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(prompt);
      } finally {
        rl.close();
      }
    },
  };
}
