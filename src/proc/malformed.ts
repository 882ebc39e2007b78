/**
 * The error of a procfs/sysfs file that does not read as the kernel writes it. Parsers take the text
 * and the file's name (the reader knows the path), so the message says `FILE:LINE: what is wrong` and
 * the user learns which file could not be read, not "internal error".
 */
import { ParseError } from '../errors.js';

/** What to do: a live kernel writes these files in the format proc(5) documents; a captured tree may not. */
const HINT =
  "hog reads this file in the format proc(5) documents; if it comes from a tree given with --proc-root, capture the file again from a live /proc (cp it whole, don't edit it)";

/**
 * A file's name, or a function that makes it: a parser on a hot path (hog top parses stat and statm of
 * every process at every refresh) then builds the path only for an error.
 */
export type FileName = string | (() => string);

/** A ParseError for `file`, at `line` (1-based; for a missing line: the last line read). */
export function malformed(file: FileName, reason: string, line = 1): ParseError {
  return new ParseError(typeof file === 'string' ? file : file(), line, reason, { hint: HINT });
}

/** The first 80 characters of a text, quoted: enough to recognise a file without flooding the terminal. */
export function excerpt(text: string): string {
  return JSON.stringify(text.slice(0, 80));
}

/** The number of lines of a text (a last line without "\n" counts), at least 1: where a missing line was looked for. */
export function lineCount(text: string): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0 && at < text.length - 1; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}
