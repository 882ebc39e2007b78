/**
 * Which directories hold temporary files, how old their entries must be before they may go, and what
 * is excluded — systemd-tmpfiles' cleaning rules (tmpfiles.d(5), src/tmpfiles/tmpfiles.c dir_cleanup),
 * compiled from the parsed tmpfiles.d lines. /tmp and /var/tmp are temporary directories on every
 * system (FHS 3.0 §3.18, §5.15); tmpfiles.d adds the directories it ages (man-db's cache, ...).
 *
 * The age rule: an entry is old only when every timestamp considered is older than the cutoff — by
 * default access, modification, change and birth time for a file, and access, modification and birth
 * time for a directory (tmpfiles ignores a directory's ctime: removing an entry inside changes it).
 * A main.py copied with its old mtime (cp -p) has a new ctime, so it stays.
 */
import { type AgeBy, DEFAULT_AGE_BY, GLOB_TYPES, type TmpfilesParse, tmpfilesGlob } from './tmpfilesRules.js';

export interface EntryTimes {
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  /** 0 when the filesystem does not record it. */
  birthtimeMs: number;
}

/** The youngest of the timestamps the age rule looks at. */
export function youngestTime(t: EntryTimes, isDir: boolean, by: AgeBy = DEFAULT_AGE_BY): number {
  const use = isDir ? by.dir : by.file;
  let youngest = Number.NEGATIVE_INFINITY;
  if (use.atime) youngest = Math.max(youngest, t.atimeMs);
  if (use.mtime) youngest = Math.max(youngest, t.mtimeMs);
  if (use.ctime) youngest = Math.max(youngest, t.ctimeMs);
  if (use.btime && t.birthtimeMs > 0) youngest = Math.max(youngest, t.birthtimeMs);
  return youngest;
}

/** systemd-tmpfiles' test: removable only when every timestamp considered is before the cutoff. */
export function agedOut(
  t: EntryTimes,
  isDir: boolean,
  cutoffMs: number,
  by: AgeBy = DEFAULT_AGE_BY,
): boolean {
  return youngestTime(t, isDir, by) < cutoffMs;
}

export interface TempRoot {
  /** A path, or a glob for `e` lines. */
  path: string;
  /** The tmpfiles.d age, when a line gives one. */
  ageSeconds?: number;
  /** "~" in the age: the root's immediate entries are kept. */
  belowFirstLevel: boolean;
  by: AgeBy;
  /** Where the rule comes from: a tmpfiles.d line, or the FHS for /tmp and /var/tmp. */
  source: string;
}

export const DEFAULT_TEMP_DIRS = ['/tmp', '/var/tmp'];

export class TempRules {
  readonly roots: TempRoot[] = [];
  private readonly exact = new Map<string, number>();
  private readonly globs: { re: RegExp; root: number }[] = [];
  /** x lines: the path and everything below it. */
  private readonly trees: { re: RegExp; source: string }[] = [];
  /** X lines: the path itself. */
  private readonly entries: { re: RegExp; source: string }[] = [];
  /** Paths with a line of their own (tmpfiles.c dir_cleanup: "a separate entry exists"). */
  private readonly ownExact = new Map<string, string>();
  private readonly ownGlobs: { re: RegExp; source: string }[] = [];

  constructor(parsed: TmpfilesParse, defaults: readonly string[] = DEFAULT_TEMP_DIRS) {
    for (const line of parsed.lines) {
      if (line.type === 'x') this.trees.push({ re: tmpfilesGlob(line.path), source: line.source });
      else if (line.type === 'X') this.entries.push({ re: tmpfilesGlob(line.path), source: line.source });
      else if (GLOB_TYPES.has(line.type))
        this.ownGlobs.push({ re: tmpfilesGlob(line.path), source: line.source });
      else if (!this.ownExact.has(line.path)) this.ownExact.set(line.path, line.source);
    }
    for (const line of parsed.lines) {
      const age = line.bootOnly ? undefined : line.age;
      const isDefault = defaults.includes(line.path);
      if ((!age && !isDefault) || this.exact.has(line.path)) continue; // the first line for a path wins
      this.add(
        {
          path: line.path,
          ...(age ? { ageSeconds: age.seconds } : {}),
          belowFirstLevel: age?.belowFirstLevel ?? false,
          by: age?.by ?? DEFAULT_AGE_BY,
          source: `${line.source} (${line.type} ${line.path}${age ? ` ${age.seconds}s` : ''})`,
        },
        line.type === 'e' && /[*?[]/.test(line.path),
      );
    }
    for (const path of defaults) {
      if (!this.exact.has(path))
        this.add(
          {
            path,
            belowFirstLevel: false,
            by: DEFAULT_AGE_BY,
            source: 'FHS 3.0: a directory for temporary files',
          },
          false,
        );
    }
  }

  private add(root: TempRoot, glob: boolean): void {
    const index = this.roots.push(root) - 1;
    if (glob) this.globs.push({ re: tmpfilesGlob(root.path), root: index });
    else this.exact.set(root.path, index);
  }

  /** The temp root a directory is, or -1. */
  rootOf(path: string): number {
    const exact = this.exact.get(path);
    if (exact !== undefined) return exact;
    for (const g of this.globs) if (g.re.test(path)) return g.root;
    return -1;
  }

  /** The x line that excludes this path and all below it, or undefined. */
  excludesTree(path: string): string | undefined {
    return this.trees.find((t) => t.re.test(path))?.source;
  }

  /** The x or X line that excludes this very path, or undefined. */
  excludesEntry(path: string): string | undefined {
    return this.excludesTree(path) ?? this.entries.find((t) => t.re.test(path))?.source;
  }

  /** The line of its own a path has (systemd-tmpfiles then leaves it out of its directory's cleaning), or undefined. */
  ownLine(path: string): string | undefined {
    return this.ownExact.get(path) ?? this.ownGlobs.find((g) => g.re.test(path))?.source;
  }

  /** Whether any exclusion exists (when none, file paths need not be built to be tested). */
  get hasExclusions(): boolean {
    return this.trees.length + this.entries.length + this.ownExact.size + this.ownGlobs.length > 0;
  }
}
