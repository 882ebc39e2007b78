/**
 * hog's error family. Every error the user can cause or fix carries a short message, the
 * underlying cause, and a hint that says how to fix it. The CLI prints `hog: <message>` and the
 * hint, and exits with the error's code; a stack trace only with --verbose.
 *
 * Exit codes (see DESIGN.md): 2 bad usage or input, 3 missing permission, 4 a failure of hog itself.
 */
export type ExitCode = 2 | 3 | 4;

export interface HogErrorOptions {
  hint?: string;
  cause?: unknown;
}

/**
 * Marks hog's errors. Each command is bundled on its own (scripts/bundle.mjs), so the HogError class
 * of a command is not the one the CLI entry sees: `instanceof` fails across bundles; this mark does not.
 */
const HOG_ERROR = Symbol.for('hog.error');

export class HogError extends Error {
  readonly exitCode: ExitCode = 4;
  readonly hint: string | undefined;
  readonly [HOG_ERROR] = true;

  constructor(message: string, options: HogErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** True for a HogError from any copy of this module. */
export function isHogError(error: unknown): error is HogError {
  return (
    typeof error === 'object' && error !== null && (error as { [HOG_ERROR]?: boolean })[HOG_ERROR] === true
  );
}

/** A flag, argument or input value that hog cannot use. */
export class UsageError extends HogError {
  override readonly exitCode = 2;
}

/** Something the user named (a PID, a path, an interface) that does not exist. */
export class NotFoundError extends HogError {
  override readonly exitCode = 2;
}

/** A file hog was given that does not parse: the message starts with FILE:LINE, like a compiler's. */
export class ParseError extends HogError {
  override readonly exitCode = 2;

  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
    options: HogErrorOptions = {},
  ) {
    super(`${file}:${line}: ${reason}`, options);
  }
}

/** hog may not read or change something; the hint names what is missing. */
export class PermissionError extends HogError {
  override readonly exitCode = 3;
}

/** hog cannot work here: another OS, a kernel feature or a tool that is absent. */
export class UnsupportedError extends HogError {
  override readonly exitCode = 4;
}

/** Quote a user-supplied value with its type, so an error shows exactly what was wrong. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  return `${JSON.stringify(value)} (${typeof value})`;
}

/** Node's errno code of an error, if it has one (ENOENT, EACCES, ESRCH...). */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** The disk (or the file system's quota) is full: from the OS (ENOSPC, EDQUOT) or from SQLite. */
export function isDiskFull(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE';
}
