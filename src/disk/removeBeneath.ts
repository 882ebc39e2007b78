/**
 * Deleting below a root without ever resolving a path twice (DESIGN.md, "Acting on a machine safely"):
 * the root is opened once, every directory under it by descriptor with O_NOFOLLOW|O_DIRECTORY, and the
 * entry is checked (device, inode, mtime, size, mount) right before unlinkat relative to its parent.
 * The work is done by the native addon (src/disk/native/remove.cc); without it hog refuses to delete,
 * since Node.js offers no openat/unlinkat.
 */
import { closeSync } from 'node:fs';
import { constants } from 'node:os';
import { loadAddon } from '../addon.js';
import { UnsupportedError } from '../errors.js';

export interface Identity {
  dev: number;
  ino: number;
  mountId: number;
  mode: number;
  nlink: number;
  size: number;
  blocks: number;
  mtimeMs: number;
}

/** What the entry must still be; absent fields are not checked. */
export interface Expected {
  dev?: number;
  ino?: number;
  mtimeMs?: number;
  size?: number;
  /** file: a regular file; dir: a directory; any: anything but a symlink. */
  type: 'file' | 'dir' | 'any';
}

export interface Refusal {
  reason: string;
  errno: number;
}

export interface Removal {
  removed: boolean;
  /** Why nothing (or not everything) was removed; empty when all went. */
  reason: string;
  errno: number;
  /** What was really unlinked. */
  files: number;
  directories: number;
  /** Blocks (st_blocks * 512) of the unlinked entries whose inode had no other name. */
  bytes: number;
  /** Entries left because they are on another mount or changed meanwhile. */
  kept: number;
}

interface Bounds {
  mountId: number;
  crossMounts: boolean;
}

interface RemoveAddon {
  openRoot(path: Buffer): Identity & { fd: number };
  openParent(rootFd: number, rel: Buffer, bounds: Bounds): { fd: number; name: Buffer } | Refusal;
  statAt(dirFd: number, name: Buffer): Identity | Refusal;
  removeAt(dirFd: number, name: Buffer, expect: Expected, bounds: Bounds, recursive: boolean): Removal;
  openFileAt(dirFd: number, name: Buffer, expect: Expected, bounds: Bounds): { fd: number } | Refusal;
  createAt(dirFd: number, name: Buffer, mode: number): number;
  renameAt(dirFd: number, from: Buffer, to: Buffer): void;
}

/** The addon's remove functions, or why they are not there (HOG_DISK_ADDON=none: as if not built). */
export function removeAddon(): RemoveAddon {
  const load = loadAddon<Partial<RemoveAddon>>('hog_disk.node', 'HOG_DISK_ADDON');
  if (load.addon && typeof load.addon.removeAt === 'function') return load.addon as RemoveAddon;
  throw new UnsupportedError(
    load.addon
      ? `${load.path} is an older build without race-free deletion; nothing was deleted`
      : `hog deletes only through its native disk addon (openat/unlinkat by descriptor), which ${load.reason === 'failed' ? `did not load: ${load.message}` : load.reason === 'disabled' ? `is disabled (${load.message})` : 'was not built'}; nothing was deleted`,
    {
      hint: "install a C++ compiler (apt-get install build-essential), then run `npm run build` in hog's directory",
    },
  );
}

export function isRefusal(value: object): value is Refusal {
  return 'reason' in value && !('removed' in value);
}

/** errno as its name (EACCES...), for messages. */
export function errnoName(errno: number): string {
  const entry = Object.entries(constants.errno).find(([, n]) => n === errno);
  return entry ? entry[0] : `errno ${errno}`;
}

/** A root held open by descriptor for a series of deletions; close it when done. */
export class RootDir {
  private constructor(
    readonly path: string,
    readonly fd: number,
    readonly identity: Identity,
    readonly crossMounts: boolean,
    private readonly addon: RemoveAddon,
  ) {}

  /** Open an absolute, resolved path (no symlink on the way: realpath it first). */
  static open(path: string, options: { crossMounts?: boolean } = {}): RootDir {
    const addon = removeAddon();
    const { fd, ...identity } = addon.openRoot(Buffer.from(path));
    return new RootDir(path, fd, identity, options.crossMounts === true, addon);
  }

  get bounds(): Bounds {
    return { mountId: this.identity.mountId, crossMounts: this.crossMounts };
  }

  /** `path` (bytes) relative to the root, or undefined when it is not below it. */
  relative(path: Buffer): Buffer | undefined {
    const prefix = Buffer.from(this.path === '/' ? '/' : `${this.path}/`);
    if (path.length <= prefix.length || !path.subarray(0, prefix.length).equals(prefix)) return undefined;
    return path.subarray(prefix.length);
  }

  /** Open the directory holding `rel`, run `use` with its descriptor and the last name, close it. */
  withParent<T>(rel: Buffer, use: (dirFd: number, name: Buffer) => T): T | Refusal {
    const parent = this.addon.openParent(this.fd, rel, this.bounds);
    if (isRefusal(parent)) return parent;
    try {
      return use(parent.fd, parent.name);
    } finally {
      closeSync(parent.fd);
    }
  }

  /** withParent for work that waits (compressing): the descriptor stays open until it is done. */
  async withParentAsync<T>(
    rel: Buffer,
    use: (dirFd: number, name: Buffer) => Promise<T>,
  ): Promise<T | Refusal> {
    const parent = this.addon.openParent(this.fd, rel, this.bounds);
    if (isRefusal(parent)) return parent;
    try {
      return await use(parent.fd, parent.name);
    } finally {
      closeSync(parent.fd);
    }
  }

  /** What `rel` is now (not following it), or why it cannot be reached without leaving the root. */
  identify(rel: Buffer): Identity | Refusal {
    const found = this.withParent(rel, (fd, name) => this.addon.statAt(fd, name));
    if (isRefusal(found)) return found;
    if (!this.crossMounts && found.mountId !== this.identity.mountId)
      return { reason: 'on another mount (a mount point inside the root): not crossed', errno: 0 };
    return found;
  }

  /**
   * Re-check `rel` against `expect` and unlink it (a directory with what it holds when recursive).
   * `mountId`: the mount the entry and everything removed below it must be on (default: the root's,
   * unless the root was opened with crossMounts).
   */
  remove(rel: Buffer, expect: Expected, recursive = false, mountId?: number): Removal {
    const bounds = mountId === undefined ? this.bounds : { mountId, crossMounts: false };
    const result = this.withParent(rel, (fd, name) =>
      this.addon.removeAt(fd, name, expect, bounds, recursive),
    );
    return isRefusal(result)
      ? { removed: false, ...result, files: 0, directories: 0, bytes: 0, kept: 0 }
      : result;
  }

  /** For work done inside one directory (compressing a file beside itself). */
  get native(): RemoveAddon {
    return this.addon;
  }

  close(): void {
    closeSync(this.fd);
  }
}
