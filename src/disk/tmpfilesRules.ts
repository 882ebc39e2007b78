/**
 * tmpfiles.d(5), as systemd-tmpfiles --clean reads it: lines with an Age field (d, D, e, v, q, Q, C:
 * "remove what is older than AGE in this directory"), the exclusions (x: a path and everything below
 * it; X: the path itself only), and every other line, since a path with a line of its own is not
 * cleaned as part of its directory. hog's temp cleanup follows the same rules, so it never removes
 * what the system's own cleaner keeps.
 *
 * A parser of one file's text (parseTmpfiles), apart from the reader that finds the files
 * (readTmpfilesRules: a file in an earlier directory masks one of the same name in a later one, files
 * are read in name order and the first line for a path wins, as systemd-tmpfiles does).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TMPFILES_DIRS = [
  '/etc/tmpfiles.d',
  '/run/tmpfiles.d',
  '/usr/local/lib/tmpfiles.d',
  '/usr/lib/tmpfiles.d',
];

/** Which timestamps make an entry young (tmpfiles.d(5) "abcmABCM:"); default: abcm for files, ABM for directories. */
export interface AgeBy {
  file: { atime: boolean; ctime: boolean; mtime: boolean; btime: boolean };
  dir: { atime: boolean; ctime: boolean; mtime: boolean; btime: boolean };
}

export const DEFAULT_AGE_BY: AgeBy = {
  file: { atime: true, ctime: true, mtime: true, btime: true },
  // tmpfiles ignores a directory's ctime: removing an entry inside changes it
  dir: { atime: true, ctime: false, mtime: true, btime: true },
};

export interface TmpfilesAge {
  seconds: number;
  /** "~": only what is below the directory's immediate entries is aged (they themselves are kept). */
  belowFirstLevel: boolean;
  by: AgeBy;
}

export interface TmpfilesLine {
  type: string;
  /** "!": the line applies at boot only (systemd-tmpfiles --boot); its age is not used by --clean. */
  bootOnly: boolean;
  path: string;
  age?: TmpfilesAge;
  /** "file:line", for reports. */
  source: string;
}

export interface TmpfilesParse {
  lines: TmpfilesLine[];
  errors: { source: string; message: string }[];
}

/** Types whose Age field asks for cleaning (tmpfiles.d(5) "Age"). */
const AGED_TYPES = new Set(['d', 'D', 'e', 'v', 'q', 'Q', 'C']);
/** Every type tmpfiles.d(5) defines; the ones whose path may be a glob (tmpfiles.c's takes_glob). */
const KNOWN_TYPES = new Set('fFwdDevqQpLcbCxXrRzZtThHaA'.split(''));
export const GLOB_TYPES = new Set('wexXrRzZtThHaA'.split(''));

/** Specifiers with a fixed meaning on every system (tmpfiles.d(5) "Specifiers"); the others vary per host or user. */
const FIXED_SPECIFIERS: Record<string, string> = {
  '%': '%',
  T: '/tmp',
  V: '/var/tmp',
  C: '/var/cache',
  L: '/var/log',
  S: '/var/lib',
  t: '/run',
};

const UNIT_SECONDS: [RegExp, number][] = [
  [/^(us|usec|µs)$/, 1e-6],
  [/^(ms|msec)$/, 1e-3],
  [/^(s|sec|secs|second|seconds)?$/, 1],
  [/^(m|min|mins|minute|minutes)$/, 60],
  [/^(h|hr|hrs|hour|hours)$/, 3600],
  [/^(d|day|days)$/, 86400],
  [/^(w|week|weeks)$/, 7 * 86400],
  [/^(M|month|months)$/, 2629800],
  [/^(y|year|years)$/, 31557600],
];

/** A systemd time span ("10d", "1w 2d", "90", "2h30min") in seconds, or undefined when malformed. */
export function parseTimespan(text: string): number | undefined {
  const parts = text.trim().match(/\d+(?:\.\d+)?\s*[a-zA-Zµ]*/g);
  if (!parts || parts.join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) return undefined;
  let total = 0;
  for (const part of parts) {
    const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Zµ]*)$/.exec(part);
    const unit = UNIT_SECONDS.find(([re]) => re.test(m?.[2] ?? '?'));
    if (!m || !unit) return undefined;
    total += Number(m[1]) * unit[1];
  }
  return total;
}

function parseAge(field: string): TmpfilesAge | undefined | 'bad' {
  if (field === '-' || field === '') return undefined;
  let text = field;
  let by = DEFAULT_AGE_BY;
  const colon = text.indexOf(':');
  if (colon >= 0) {
    const letters = text.slice(0, colon);
    if (!/^[abcmABCM]+$/.test(letters)) return 'bad';
    const has = (c: string) => letters.includes(c);
    by = {
      file: { atime: has('a'), ctime: has('c'), mtime: has('m'), btime: has('b') },
      dir: { atime: has('A'), ctime: has('C'), mtime: has('M'), btime: has('B') },
    };
    text = text.slice(colon + 1);
  }
  const belowFirstLevel = text.startsWith('~');
  const seconds = parseTimespan(belowFirstLevel ? text.slice(1) : text);
  return seconds === undefined ? 'bad' : { seconds, belowFirstLevel, by };
}

/** Split a line into fields: whitespace-separated, with C-style double or single quotes. */
function fields(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i] as string)) i++;
    if (i >= line.length) break;
    let field = '';
    while (i < line.length && !/\s/.test(line[i] as string)) {
      const ch = line[i] as string;
      if (ch === '"' || ch === "'") {
        const end = line.indexOf(ch, i + 1);
        if (end < 0) return undefined;
        field += line.slice(i + 1, end);
        i = end + 1;
      } else if (ch === '\\' && i + 1 < line.length) {
        field += line[i + 1];
        i += 2;
      } else {
        field += ch;
        i++;
      }
    }
    out.push(field);
  }
  return out;
}

/** Resolve the fixed specifiers; the per-host ones (%b boot ID, %m machine ID, %H...) become "*" in globs. */
function resolveSpecifiers(path: string, glob: boolean): string | undefined {
  let unresolved = false;
  const out = path.replace(/%(.)/g, (_, c: string) => {
    const fixed = FIXED_SPECIFIERS[c];
    if (fixed !== undefined) return fixed;
    unresolved = true;
    return '*';
  });
  return unresolved && !glob ? undefined : out;
}

export function parseTmpfiles(text: string, file: string): TmpfilesParse {
  const lines: TmpfilesLine[] = [];
  const errors: TmpfilesParse['errors'] = [];
  text.split('\n').forEach((raw, index) => {
    const source = `${file}:${index + 1}`;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const f = fields(line);
    const typeField = f?.[0];
    const pathField = f?.[1];
    if (!f || typeField === undefined || pathField === undefined) {
      errors.push({ source, message: 'expected at least a type and a path' });
      return;
    }
    const type = typeField[0] as string;
    const modifiers = typeField.slice(1);
    if (!/^[!\-=~^+]*$/.test(modifiers)) {
      errors.push({ source, message: `unknown type ${JSON.stringify(typeField)}` });
      return;
    }
    if (!KNOWN_TYPES.has(type)) {
      errors.push({ source, message: `unknown type ${JSON.stringify(typeField)}` });
      return;
    }
    const path = resolveSpecifiers(pathField, GLOB_TYPES.has(type));
    if (path === undefined) return; // a per-host or per-user path (%h, %U): not one hog can place
    if (!path.startsWith('/')) {
      errors.push({ source, message: `path ${JSON.stringify(pathField)} is not absolute` });
      return;
    }
    const age = AGED_TYPES.has(type) ? parseAge(f[5] ?? '-') : undefined;
    if (age === 'bad') {
      errors.push({ source, message: `bad age ${JSON.stringify(f[5])}` });
      return;
    }
    lines.push({
      type,
      bootOnly: modifiers.includes('!'),
      path: path.length > 1 ? path.replace(/\/+$/, '') : path,
      ...(age ? { age } : {}),
      source,
    });
  });
  return { lines, errors };
}

/**
 * All tmpfiles.d lines of a system, in systemd's order: *.conf files by name across the directories,
 * a name in an earlier directory masking the same name in later ones (a symlink to /dev/null disables).
 */
export function readTmpfilesRules(dirs: readonly string[] = TMPFILES_DIRS): TmpfilesParse {
  const chosen = new Map<string, string>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // a directory that does not exist here
    }
    for (const name of names)
      if (name.endsWith('.conf') && !chosen.has(name)) chosen.set(name, join(dir, name));
  }
  const result: TmpfilesParse = { lines: [], errors: [] };
  for (const name of [...chosen.keys()].sort()) {
    const file = chosen.get(name) as string;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      result.errors.push({ source: file, message: (error as Error).message });
      continue;
    }
    const parsed = parseTmpfiles(text, file);
    for (const l of parsed.lines) result.lines.push(l);
    for (const e of parsed.errors) result.errors.push(e);
  }
  return result;
}

/**
 * A tmpfiles.d glob as systemd matches it (fnmatch with FNM_PATHNAME|FNM_PERIOD): "*" and "?" stop at
 * "/", and do not match a leading "." of a component.
 */
export function tmpfilesGlob(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    const atStart = i === 0 || pattern[i - 1] === '/';
    if (ch === '*') source += atStart ? '(?!\\.)[^/]*' : '[^/]*';
    else if (ch === '?') source += atStart ? '[^/.]' : '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        source += `(?!/)[${body}]`;
        i = end;
      }
    } else if (ch === '\\' && i + 1 < pattern.length) {
      source += (pattern[++i] as string).replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    } else source += ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}
