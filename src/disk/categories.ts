/**
 * What kind of data a path holds, by the conventions of Linux systems and common tools — the one table
 * hog disk --by category, hog disk clean and the doctor's log check all read. The categories are the
 * troubleshooting guide's list of why programs need disk space: installed binaries and libraries, data
 * stored by applications, cached information, logs, temporary files, backups; and everything else.
 *
 * A rule matches a directory by its absolute path (`under`, `*` stands for one path component) or by
 * its name anywhere (`dirName`): everything below belongs to the rule unless a deeper directory
 * matches another rule. A rule matches a file by its name (`name`, shell wildcards); `within` limits a
 * name rule to files in directories of that category (a `.gz` is a rotated log only in a log
 * directory), `notWithin` keeps a weak name rule out of some (a .tar.gz under /usr is installed
 * software, not a backup). A file takes the first name rule that matches, else its directory's rule. Order matters:
 * the first matching rule wins.
 */
import { globToRegExp } from './glob.js';
import { OS_SOFTWARE_TREES } from './systemPaths.js';

export const CATEGORY_IDS = ['binaries', 'appdata', 'caches', 'logs', 'temp', 'backups', 'other'] as const;
export type CategoryId = (typeof CATEGORY_IDS)[number];

export const CATEGORY_LABELS: Record<CategoryId, string> = {
  binaries: 'binaries and libraries',
  appdata: 'application data',
  caches: 'caches',
  logs: 'logs',
  temp: 'temporary files',
  backups: 'backups',
  other: 'other',
};

export interface CategoryRule {
  category: CategoryId;
  /** What matched, in words: "rotated log", "core dump", "package cache"... */
  kind: string;
  under?: string[];
  dirName?: string[];
  name?: string[];
  within?: CategoryId;
  /** A name rule that does not apply in directories of these categories (an archive in /usr is software). */
  notWithin?: CategoryId[];
}

export const CATEGORY_RULES: readonly CategoryRule[] = [
  // logs first: a log file is a log wherever it is
  { category: 'logs', kind: 'rotated log', name: ['*.log.[0-9]*', '*.log-[0-9]*', '*.log.old'] },
  {
    category: 'logs',
    kind: 'rotated log',
    within: 'logs',
    name: [
      '*.[0-9]',
      '*.[0-9].gz',
      '*.gz',
      '*.xz',
      '*.bz2',
      '*.zst',
      '*-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]',
    ],
  },
  { category: 'logs', kind: 'log', name: ['*.log', '*.log.gz', '*.log.xz', '*.log.zst'] },
  { category: 'logs', kind: 'systemd journal', name: ['*.journal', '*.journal~'] },
  {
    category: 'logs',
    kind: 'in a log directory',
    under: ['/var/log', '/run/log'],
    dirName: ['log', 'logs', '_logs'],
  },
  // crash leftovers and temporary files
  { category: 'temp', kind: 'core dump', name: ['core', 'core.[0-9]*', '*.core', 'vgcore.[0-9]*'] },
  {
    category: 'temp',
    kind: 'core dump',
    under: ['/var/lib/systemd/coredump', '/var/crash', '/var/lib/apport/coredump'],
  },
  {
    category: 'temp',
    kind: 'temporary file',
    name: ['*.tmp', '*.temp', '*.swp', '*.swo', '*.part', '*.crdownload'],
  },
  {
    category: 'temp',
    kind: 'in a temporary directory',
    under: ['/tmp', '/var/tmp', '/dev/shm'],
    dirName: ['tmp', 'temp', '.tmp'],
  },
  // backups and leftovers of edits and upgrades
  {
    category: 'backups',
    kind: 'backup copy',
    name: [
      '*.bak',
      '*.bkp',
      '*.backup',
      '*~',
      '*.old',
      '*.orig',
      '*.dpkg-old',
      '*.dpkg-dist',
      '*.rpmsave',
      '*.rpmnew',
    ],
  },
  {
    category: 'backups',
    kind: 'archive or dump',
    name: ['*.tar', '*.tar.*', '*.tgz', '*.dump', '*.sql', '*.sql.gz'],
    notWithin: ['binaries', 'caches', 'logs'],
  },
  {
    category: 'backups',
    kind: 'in a backup directory',
    under: ['/var/backups'],
    dirName: ['backup', 'backups', '.snapshots'],
  },
  // caches: rebuilt by their program when removed
  { category: 'caches', kind: 'compiled cache', name: ['*.pyc', '*.pyo'] },
  {
    category: 'caches',
    kind: 'in a cache directory',
    under: ['/var/cache', '/home/*/.cache', '/root/.cache'],
    dirName: [
      '.cache',
      '__pycache__',
      '_cacache',
      '.pytest_cache',
      '.mypy_cache',
      '.ruff_cache',
      '.gradle',
      '.m2',
      'CachedData',
      'Cache',
    ],
  },
  // installed software
  { category: 'binaries', kind: 'shared library', name: ['*.so', '*.so.[0-9]*'] },
  {
    category: 'binaries',
    kind: 'installed software',
    under: [
      ...OS_SOFTWARE_TREES,
      '/opt',
      '/nix/store',
      '/var/lib/snapd/snaps',
      '/var/lib/flatpak',
      '/var/lib/docker/overlay2',
      '/var/lib/containerd',
    ],
    dirName: ['node_modules', 'site-packages', 'dist-packages', '.venv', 'venv', '.rustup', '.cargo', '.nvm'],
  },
  // data applications keep
  {
    category: 'appdata',
    kind: 'database file',
    name: ['*.db', '*.sqlite', '*.sqlite3', '*.ibd', '*.mdb'],
    notWithin: ['binaries', 'caches'],
  },
  {
    category: 'appdata',
    kind: 'application data',
    under: [
      '/var/lib',
      '/srv',
      '/var/www',
      '/var/mail',
      '/var/spool',
      '/var/opt',
      '/home/*/.local/share',
      '/root/.local/share',
    ],
  },
];

/** The deepest `under` path, in components: directories deeper than this can only match by name. */
export const MAX_UNDER_DEPTH = CATEGORY_RULES.flatMap((r) =>
  (r.under ?? []).map((u) => u.split('/').filter((p) => p !== '').length),
).reduce((deepest, depth) => Math.max(deepest, depth), 0);

/** Index of the rule whose category is `other`: no rule matched. */
export const NO_RULE = -1;

interface Compiled {
  under: RegExp[];
  dirName: Set<string>;
  name: RegExp | undefined;
  within: CategoryId | undefined;
  notWithin: CategoryId[];
}

function underRegExp(path: string): RegExp {
  const source = path
    .split('/')
    .map((part) => part.replace(/[\\^$.+?()[\]{}|]/g, '\\$&').replace(/\*/g, '[^/]*'))
    .join('/');
  return new RegExp(`^${source}$`);
}

const COMPILED: Compiled[] = CATEGORY_RULES.map((rule) => ({
  under: (rule.under ?? []).map(underRegExp),
  dirName: new Set(rule.dirName ?? []),
  name: rule.name ? new RegExp(rule.name.map((p) => globToRegExp(p).source).join('|'), 'u') : undefined,
  within: rule.within,
  notWithin: rule.notWithin ?? [],
}));

export function categoryOf(rule: number): CategoryId {
  return rule === NO_RULE ? 'other' : (CATEGORY_RULES[rule] as CategoryRule).category;
}

export function kindOf(rule: number): string {
  return rule === NO_RULE ? 'other' : (CATEGORY_RULES[rule] as CategoryRule).kind;
}

/** The rule a directory matches by itself (its path or its name), or undefined: it inherits its parent's. */
export function matchDirectory(path: string | undefined, name: string): number | undefined {
  for (let r = 0; r < COMPILED.length; r++) {
    const c = COMPILED[r] as Compiled;
    if (c.dirName.has(name) || (path !== undefined && c.under.some((re) => re.test(path)))) return r;
  }
  return undefined;
}

/** The rule a file matches by its name, given the rule of its directory; else the directory's rule. */
export function matchFile(name: string, dirRule: number): number {
  const dirCategory = categoryOf(dirRule);
  for (let r = 0; r < COMPILED.length; r++) {
    const c = COMPILED[r] as Compiled;
    if (!c.name || (c.within !== undefined && c.within !== dirCategory) || c.notWithin.includes(dirCategory))
      continue;
    if (c.name.test(name)) return r;
  }
  return dirRule;
}

/** The rule of an absolute path, looking at every directory above it (for single paths: roots, top files). */
export function classifyPath(path: string, isDirectory: boolean): number {
  const parts = path.split('/').filter((p) => p !== '');
  let rule = NO_RULE;
  let prefix = '';
  const dirs = isDirectory ? parts.length : parts.length - 1;
  for (let k = 0; k < dirs; k++) {
    prefix += `/${parts[k]}`;
    rule = matchDirectory(prefix, parts[k] as string) ?? rule;
  }
  return isDirectory ? rule : matchFile(parts[parts.length - 1] ?? '', rule);
}
