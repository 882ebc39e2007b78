/**
 * The `d` of `hog disk -i`: deleting an entry of the scan without trusting its path. When the y/N
 * question opens, the entry is looked up by descriptor from the scanned root (prepare); on y it must
 * still be that same inode, reached the same way, and it is removed with what it holds through
 * directory descriptors (RootDir.remove), never crossing into a mount below it. A directory on the way
 * swapped for a symlink makes it refuse instead of deleting elsewhere.
 */
import { realpathSync } from 'node:fs';
import { type Identity, isRefusal, type Removal, RootDir } from './removeBeneath.js';
import type { DiskTree } from './tree.js';

const SLASH = Buffer.from('/');

export class EntryDeleter {
  private root: RootDir | string | undefined;
  private readonly prepared = new Map<number, Identity>();

  constructor(
    private readonly tree: DiskTree,
    /** The scan's root entry. */
    private readonly top: number,
  ) {}

  /** The root, opened on first use (realpath: the scan followed a root given as a symlink). */
  private openRoot(): RootDir | string {
    if (this.root === undefined) {
      try {
        // the path below the root may lead onto other mounts (the scan crossed them); what is removed
        // below the chosen entry stays on the entry's own mount (see remove)
        this.root = RootDir.open(realpathSync(this.tree.path(this.top)), { crossMounts: true });
      } catch (error) {
        this.root = (error as Error).message;
      }
    }
    return this.root;
  }

  /** The entry's path relative to the root, from the scan's names. */
  relative(entry: number): Buffer | undefined {
    const names: Buffer[] = [];
    let i = entry;
    for (; i !== this.top && i >= 0; i = this.tree.parentOf(i)) names.push(this.tree.nameBytes(i));
    if (i !== this.top || names.length === 0) return undefined;
    const parts: Buffer[] = [];
    for (let k = names.length - 1; k >= 0; k--) parts.push(names[k] as Buffer, SLASH);
    parts.pop();
    return Buffer.concat(parts);
  }

  /** When the question opens: note what the entry is now. Returns why it cannot be deleted, if so. */
  prepare(entry: number): string | undefined {
    this.prepared.delete(entry);
    const root = this.openRoot();
    if (typeof root === 'string') return root;
    const rel = this.relative(entry);
    if (rel === undefined) return 'the scanned root itself is not deleted';
    const found = root.identify(rel);
    if (isRefusal(found)) return found.reason;
    const type = found.mode & 0o170000;
    if (type === 0o120000) return 'now a symlink: not followed';
    const isDir = type === 0o040000;
    if (isDir !== this.tree.isDir(entry))
      return `it is no longer a ${this.tree.isDir(entry) ? 'directory' : 'file'}, as scanned`;
    this.prepared.set(entry, found);
    return undefined;
  }

  /** After y: remove the entry prepared, if it is still the same. */
  remove(entry: number): Removal {
    const identity = this.prepared.get(entry);
    this.prepared.delete(entry);
    const root = this.openRoot();
    const refused = (reason: string): Removal => ({
      removed: false,
      reason,
      errno: 0,
      files: 0,
      directories: 0,
      bytes: 0,
      kept: 0,
    });
    if (typeof root === 'string') return refused(root);
    const rel = this.relative(entry);
    if (identity === undefined || rel === undefined) return refused('not looked at before the question');
    return root.remove(
      rel,
      {
        type: this.tree.isDir(entry) ? 'dir' : 'file',
        dev: identity.dev,
        ino: identity.ino,
        ...(this.tree.isDir(entry) ? {} : { mtimeMs: identity.mtimeMs, size: identity.size }),
      },
      true,
      identity.mountId,
    );
  }

  close(): void {
    if (this.root instanceof RootDir) this.root.close();
    this.root = undefined;
  }
}
