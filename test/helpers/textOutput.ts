/** An Output that keeps what a command printed, for tests that run main() in-process. */
import type { Output } from '../../src/cli/output.js';

export function textOutput(): Output & { out: string; err: string } {
  const o = {
    out: '',
    err: '',
    isTTY: false,
    columns: undefined,
    rows: undefined,
    write(text: string) {
      o.out += text;
    },
    line(text = '') {
      o.out += `${text}\n`;
    },
    lines(lines: readonly string[]) {
      for (const l of lines) o.out += `${l}\n`;
    },
    error(text: string) {
      o.err += `${text}\n`;
    },
  };
  return o;
}
