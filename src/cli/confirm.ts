/**
 * Asking before something destructive: a y/N question on the terminal. Without a terminal there is
 * nobody to ask, so the command must be given --yes.
 */
import { UsageError } from '../errors.js';
import type { Terminal } from '../render/terminal.js';

export async function confirm(terminal: Terminal, question: string, what: string): Promise<boolean> {
  if (!terminal.inputIsTTY) {
    throw new UsageError(`${what} asks for confirmation, and there is no terminal to ask on`, {
      hint: 'add --yes to go ahead without asking',
    });
  }
  const answer = await terminal.question(`${question} [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}
