/**
 * Caches known to be regenerable: the only cache files `hog disk clean` plans to remove. Each entry
 * names the document or tool that says so. Anything else in a cache directory (/var/cache, ~/.cache)
 * is reported as an unknown cache and left alone: debconf's database in /var/cache/debconf, for one,
 * is not a cache at all.
 *
 * An entry is found by its path below a cache home (`system`: /var/cache; `user`: a user's ~/.cache)
 * or by a directory name anywhere (`dirName`). When its tool has a command that empties it (apt-get
 * clean), the plan proposes that one command instead of one line per file.
 */
import { globToRegExp } from './glob.js';

export interface DisposableCache {
  id: string;
  /** What it holds, in words. */
  what: string;
  /** Paths below a system cache home (/var/cache). */
  system?: string[];
  /** Paths below a user's cache home (~/.cache, $XDG_CACHE_HOME). */
  user?: string[];
  /** Directory names that mark the cache wherever they are. */
  dirName?: string[];
  /** Only files with these names (shell wildcards) are the cache's. */
  names?: string[];
  /** The tool's own command that empties the cache: proposed as one action. */
  command?: string[];
  /** Who says removing it is safe. */
  source: string;
}

export const DISPOSABLE_CACHES: readonly DisposableCache[] = [
  {
    id: 'apt',
    what: "apt's downloaded packages",
    system: ['apt'],
    command: ['apt-get', 'clean'],
    source:
      'apt-get(8): "clean clears out the local repository of retrieved package files" (/var/cache/apt/archives, and the *.bin caches apt rebuilds)',
  },
  {
    id: 'man-db',
    what: "man-db's index and formatted pages",
    system: ['man'],
    source: 'mandb(8): rebuilt by mandb (the man-db timer); man-db ships a tmpfiles.d line that ages it',
  },
  {
    id: 'fontconfig',
    what: "fontconfig's font cache",
    system: ['fontconfig'],
    user: ['fontconfig'],
    source: 'fc-cache(1): fontconfig rebuilds missing cache files when fonts are next listed',
  },
  {
    id: 'thumbnails',
    what: 'image thumbnails',
    user: ['thumbnails'],
    source:
      'freedesktop.org Thumbnail Managing Standard: thumbnails are made again from the original file when missing',
  },
  {
    id: 'pip',
    what: "pip's download and wheel cache",
    user: ['pip'],
    source: 'pip documentation, "Caching": pip cache purge empties it; pip downloads again what is missing',
  },
  {
    id: 'npm',
    what: "npm's package cache",
    dirName: ['_cacache'],
    source:
      'npm-cache(1): npm cache clean --force empties it; cacache checks content on read and fetches again what is missing',
  },
  {
    id: 'yarn',
    what: "yarn's package cache",
    user: ['yarn'],
    source: 'yarn cache clean (yarn 1 documentation): packages are downloaded again when needed',
  },
  {
    id: 'go-build',
    what: "Go's build cache",
    user: ['go-build'],
    source: '`go help cache`: go clean -cache removes it; the go command rebuilds what is missing',
  },
  {
    id: 'pycache',
    what: 'compiled Python bytecode',
    dirName: ['__pycache__'],
    names: ['*.pyc', '*.pyo'],
    source: 'PEP 3147: the interpreter compiles the .py source again when its .pyc is missing',
  },
  {
    id: 'tool-caches',
    what: "a test or linter tool's cache",
    dirName: ['.pytest_cache', '.mypy_cache', '.ruff_cache'],
    source: 'pytest --cache-clear, mypy and ruff clean: caches of results, recomputed on the next run',
  },
];

/** Never removed as part of a cache: locks, cache markers. */
const NEVER_NAMES = new Set(['lock', '.lock', 'LOCK', 'CACHEDIR.TAG']);

/** A lock file or a cache marker: never part of what a cache plan removes. */
export function isNeverRemoved(name: string): boolean {
  return NEVER_NAMES.has(name) || name.endsWith('.lock') || name.endsWith('.lck');
}

export interface CacheHomes {
  /** /var/cache, as directories to match exactly. */
  system: string[];
  /** Users' cache homes; `*` stands for one path component (/home/*\/.cache). */
  user: string[];
}

export function defaultCacheHomes(env: NodeJS.ProcessEnv = process.env): CacheHomes {
  const user = ['/root/.cache', '/home/*/.cache'];
  const xdg = env.XDG_CACHE_HOME;
  if (xdg?.startsWith('/')) user.push(xdg.replace(/\/+$/, ''));
  return { system: ['/var/cache'], user };
}

function pathRegExp(path: string): RegExp {
  return new RegExp(
    `^${path
      .split('/')
      .map((p) => p.replace(/[\\^$.+?()[\]{}|]/g, '\\$&').replace(/\*/g, '[^/]*'))
      .join('/')}$`,
  );
}

/** The table compiled for a set of cache homes: which entry a directory starts, if any. */
export class DisposableMatcher {
  private readonly byPath: { re: RegExp; entry: number }[] = [];
  private readonly homes: RegExp[];
  private readonly byName = new Map<string, number>();
  private readonly names: (RegExp | undefined)[];

  constructor(
    homes: CacheHomes,
    readonly table: readonly DisposableCache[] = DISPOSABLE_CACHES,
  ) {
    this.homes = [...homes.system, ...homes.user].map(pathRegExp);
    table.forEach((c, entry) => {
      for (const home of homes.system)
        for (const p of c.system ?? []) this.byPath.push({ re: pathRegExp(`${home}/${p}`), entry });
      for (const home of homes.user)
        for (const p of c.user ?? []) this.byPath.push({ re: pathRegExp(`${home}/${p}`), entry });
      for (const n of c.dirName ?? []) this.byName.set(n, entry);
    });
    this.names = table.map((c) =>
      c.names ? new RegExp(c.names.map((n) => globToRegExp(n).source).join('|'), 'u') : undefined,
    );
  }

  /** The entry a directory is the top of, by its path or its name, or -1. */
  entryOf(path: string, name: string): number {
    const byName = this.byName.get(name);
    if (byName !== undefined) return byName;
    for (const { re, entry } of this.byPath) if (re.test(path)) return entry;
    return -1;
  }

  /** A cache home itself (/var/cache, ~/.cache): its subdirectories are separate caches. */
  isHome(path: string): boolean {
    return this.homes.some((re) => re.test(path));
  }

  /** Whether a file of this name in the entry's directory belongs to the cache. */
  holds(entry: number, name: string): boolean {
    if (isNeverRemoved(name)) return false;
    const re = this.names[entry];
    return re === undefined || re.test(name);
  }
}
