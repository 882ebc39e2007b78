/**
 * Text from other users (process names and command lines, paths, user and interface names, mprof
 * labels) made safe to print on a terminal. A process can name itself "\e[2J" (prctl PR_SET_NAME,
 * exec -a) and a file can be named with an escape or a newline: printed raw, the terminal would obey
 * them (clear the screen, move the cursor, set the window title, fake a line of hog's own output).
 *
 * Escaped, as visible JavaScript-style escapes:
 * - C0 controls U+0000-U+001F: `\t`, `\n`, `\r`, the others `\xNN` (ESC is `\x1b`);
 * - DEL U+007F and the C1 controls U+0080-U+009F as `\u007f`, `\u009b` (U+009B is a one-character
 *   CSI to some terminals);
 * - lone UTF-16 surrogates (`\ud800`): they have no UTF-8 form, Node would print them as U+FFFD;
 * - the bidirectional controls (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069) and the line and
 *   paragraph separators U+2028/U+2029: they reorder or break what follows them on the line, so a
 *   name could show as another (the "Trojan Source" trick).
 * Every other character, printable Unicode included, is kept. Backslashes are kept as they are, so a
 * name that literally holds the four characters `\x1b` reads like an escaped ESC; the point is that no
 * control reaches the terminal, and command lines stay readable (regexes, Windows paths).
 *
 * Everything past the C0 range is written `\uNNNN`, a valid escape inside a JSON string as well:
 * JSON.stringify escapes C0 controls itself but leaves DEL, C1 and the rest raw, so --json output that
 * passes through the same escaping (cli/output.ts) stays JSON that parses to the same text.
 *
 * Invalid UTF-8 never gets here as bytes: Node decodes file contents and names with U+FFFD in place of
 * each invalid sequence, which prints as a visible "�".
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');
/** The same without the newline, for blocks of lines (most of which then need no new string). */
const UNSAFE_BUT_NEWLINE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: as above
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ud800-\udfff\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;
const UNSAFE_BUT_NEWLINE_ALL = new RegExp(UNSAFE_BUT_NEWLINE.source, 'gu');

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character (see above) replaced by a visible escape. `keepNewlines` is for
 * whole blocks of hog's own lines (cli/output.ts): newlines stay, everything else is escaped.
 */
export function terminalText(text: string, options: { keepNewlines?: boolean } = {}): string {
  // most names need nothing: test first, so they are returned without building a new string
  if (options.keepNewlines) {
    return UNSAFE_BUT_NEWLINE.test(text) ? text.replace(UNSAFE_BUT_NEWLINE_ALL, escapeOne) : text;
  }
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeOne) : text;
}
