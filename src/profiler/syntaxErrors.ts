/**
 * A SyntaxError Node.js threw while parsing a module, as a position. For CommonJS, Node.js decorates
 * the error's stack with the file and line, the source line and a caret under the column:
 *
 *   /home/me/app.js:3            (file:///home/me/app.mjs:3 from `node --check` of an ES module)
 *     const x = ;
 *               ^
 *
 *   SyntaxError: Unexpected token ';'
 *
 * For an ES module it does not (it prints that header beside the stack, from a hidden property), so
 * the ES modules loaded so far are checked with `node --check`, newest first, to find the one that
 * fails: only after the program has already failed, so a run that parses pays nothing.
 * A SyntaxError thrown by running code (JSON.parse) has neither and is left alone.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CompileErrorInfo } from './childConfig.js';

/** ES modules checked at most (newest first): the failing one was among the last loaded. */
const MAX_CHECKED = 20;

/** The position in a decorated stack or `node --check` output, or undefined. */
export function parseDecoratedError(text: string, message: string): CompileErrorInfo | undefined {
  const match = /^(file:\/\/\S+|\/[^\n]*?):(\d+)\n([^\n]*)\n( *)\^/.exec(text);
  if (!match) return undefined;
  const [, where, line, , indent] = match as unknown as [string, string, string, string, string];
  const file = where.startsWith('file:') ? fileURLToPath(where) : where;
  return { file, line: Number(line), column: indent.length + 1, message };
}

function checkModule(file: string): CompileErrorInfo | undefined {
  const result = spawnSync(process.execPath, ['--check', file], {
    encoding: 'utf8',
    timeout: 10_000,
    env: {},
  });
  if (result.status === 0 || typeof result.stderr !== 'string') return undefined;
  const message = /^SyntaxError: (.*)$/m.exec(result.stderr)?.[1] ?? 'syntax error';
  return parseDecoratedError(result.stderr, message);
}

export function parseErrorOf(error: unknown, loadedList?: string): CompileErrorInfo | undefined {
  if (!(error instanceof SyntaxError) || typeof error.stack !== 'string') return undefined;
  const decorated = parseDecoratedError(error.stack, error.message);
  if (decorated || loadedList === undefined || !error.stack.includes('compileSourceTextModule')) {
    return decorated;
  }
  let loaded: string[];
  try {
    loaded = readFileSync(loadedList, 'utf8').split('\n').filter(Boolean);
  } catch {
    return undefined;
  }
  for (const file of loaded.reverse().slice(0, MAX_CHECKED)) {
    const found = checkModule(file);
    if (found) return { ...found, message: error.message };
  }
  return undefined;
}
