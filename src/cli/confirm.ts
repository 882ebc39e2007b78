/**
 * Asking before something destructive: a y/N question on the terminal. Without a terminal there is
 * nobody to ask, so the command must be given --yes.
 */
import { UsageError } from '../errors.js';

export async function confirm(question: string, what: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UsageError(`${what} asks for confirmation, and there is no terminal to ask on`, {
      hint: 'add --yes to go ahead without asking',
    });
  }
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
