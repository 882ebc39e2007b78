/**
 * Shell wildcards as fnmatch(3) reads them with no flags — the matching du --exclude and the native
 * walker use: `*` and `?` also match "/" and a leading ".", `[a-z]`, `[!x]`/`[^x]`, `[[:digit:]]`
 * classes, and a backslash quotes the next character. Compiled once to an anchored RegExp.
 */

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
};

/** Outside a bracket: the RegExp syntax characters. */
const escapeChar = (ch: string): string => ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
/** Inside a bracket: what would end or change the class. */
const escapeInClass = (ch: string): string => ch.replace(/[\\\]^[-]/g, '\\$&');

/** The bracket expression starting at pattern[start] === '[', or undefined when it is not closed. */
function bracket(pattern: string, start: number): { source: string; end: number } | undefined {
  let i = start + 1;
  let negate = false;
  if (pattern[i] === '!' || pattern[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === ']' && !first) return { source: `[${negate ? '^' : ''}${body}]`, end: i + 1 };
    first = false;
    if (ch === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      const name = close > 0 ? pattern.slice(i + 2, close) : '';
      const cls = CLASSES[name];
      if (cls !== undefined) {
        body += cls;
        i = close + 2;
        continue;
      }
    }
    let literal = ch;
    if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      literal = pattern[i] as string;
    }
    if (pattern[i + 1] === '-' && pattern[i + 2] !== undefined && pattern[i + 2] !== ']') {
      body += `${escapeInClass(literal)}-${escapeInClass(pattern[i + 2] as string)}`;
      i += 3;
      continue;
    }
    body += escapeInClass(literal);
    i++;
  }
  return undefined;
}

export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i] as string;
    if (ch === '*') {
      source += '[\\s\\S]*';
      i++;
    } else if (ch === '?') {
      source += '[\\s\\S]';
      i++;
    } else if (ch === '[') {
      const b = bracket(pattern, i);
      if (b) {
        source += b.source;
        i = b.end;
      } else {
        source += '\\[';
        i++;
      }
    } else if (ch === '\\' && i + 1 < pattern.length) {
      source += escapeChar(pattern[i + 1] as string);
      i += 2;
    } else {
      source += escapeChar(ch);
      i++;
    }
  }
  return new RegExp(`^${source}$`, 'u');
}

/**
 * du's --exclude test: the pattern matches the entry's name, or (when it holds a "/") the entry's
 * path or any part of the path after a "/".
 */
export class ExcludeMatcher {
  private readonly byName: RegExp[];
  private readonly byPath: RegExp[];

  constructor(patterns: readonly string[]) {
    this.byName = patterns.map(globToRegExp);
    this.byPath = patterns.filter((p) => p.includes('/')).map(globToRegExp);
  }

  get empty(): boolean {
    return this.byName.length === 0;
  }

  excludes(name: string, path: () => string): boolean {
    if (this.byName.some((re) => re.test(name))) return true;
    if (this.byPath.length === 0) return false;
    const full = path();
    for (const re of this.byPath) {
      if (re.test(full)) return true;
      for (let i = full.indexOf('/'); i >= 0; i = full.indexOf('/', i + 1)) {
        if (re.test(full.slice(i + 1))) return true;
      }
    }
    return false;
  }
}
