/**
 * What a disk walker returns: the scanned tree as flat arrays (STYLE.md #7), the same shape from the
 * native walker (src/disk/native/walker.cc) and the JavaScript one (jsWalker.ts).
 *
 * Entry i has a parent (-1 for a root, and a parent always comes before its children), a kind with
 * flags, its own sizes (apparent = st_size, allocated = st_blocks * 512, as du counts them), mtime in
 * seconds (0 when unknown: ncdu exports without -e have none), and a name: bytes names[nameStart[i] .. nameStart[i + 1]) (a root's name is its path).
 * Files deeper than `keepDepth` are not entries: they are folded into `aggregates` of their directory,
 * and the largest of them are listed in `topFiles`.
 */

/** Low bits of `kind`: the type of the entry. */
export const KIND_MASK = 0x0f;
export const KIND_FILE = 0;
export const KIND_DIR = 1;
export const KIND_SYMLINK = 2;
export const KIND_OTHER = 3;
/** A directory whose contents could not be listed (its own size is still counted, as du does). */
export const FLAG_UNREADABLE = 0x10;
/** Another hard link to the same inode is counted; this one is not. */
export const FLAG_LINK_DUP = 0x20;
/** On another filesystem (--one-file-system, or a pseudo filesystem such as /proc): not counted. */
export const FLAG_OTHER_FS = 0x40;
/** Has several hard links; this is the one counted. */
export const FLAG_HARDLINK = 0x80;

export interface WalkRequest {
  /** Absolute paths; a root that is a symlink is followed (like du -D). */
  roots: string[];
  oneFileSystem: boolean;
  /**
   * Stay on each root's mount, told by mount ID (a bind mount of the same filesystem inside a root has
   * the root's st_dev, so -x alone crosses it). The native walker asks statx (STATX_MNT_ID); the
   * JavaScript one compares paths with `mountPoints` (from /proc/self/mountinfo).
   */
  oneMount?: boolean;
  mountPoints?: string[];
  /** du --exclude patterns (fnmatch). */
  excludes: string[];
  /** Devices (st_dev) never entered below a root: pseudo filesystems. */
  skipDevs: number[];
  /** Files at this depth or less (roots are depth 0) are entries; deeper ones are folded. -1 keeps all. */
  keepDepth: number;
  /** How many of the largest folded files to list. */
  topFiles: number;
  /** Rank topFiles by apparent size instead of allocated. */
  byApparent: boolean;
  threads: number;
}

export interface RawTopFile {
  parent: number;
  name: Buffer;
  apparent: number;
  allocated: number;
  mtime: number;
}

export interface RawError {
  /** The directory concerned, or -1 for a root that could not be read (then `path` says which). */
  entry: number;
  /** errno name: EACCES, EIO... */
  code: string;
  op: 'open' | 'read' | 'stat';
  path?: Buffer;
}

export interface RawScan {
  count: number;
  parent: Int32Array;
  kind: Uint8Array;
  apparent: Float64Array;
  allocated: Float64Array;
  mtime: Float64Array;
  /** count + 1 offsets into `names`. */
  nameStart: Uint32Array;
  names: Buffer;
  /** Files folded into their directory: per directory entry, their sizes, count and newest mtime. */
  aggregates: {
    entry: Int32Array;
    apparent: Float64Array;
    allocated: Float64Array;
    count: Float64Array;
    mtime: Float64Array;
  };
  /** Kept entries that are hard links: entry and a group number shared by links to one inode. */
  links: { entry: Int32Array; group: Int32Array };
  /**
   * Per directory (entry), totals summed bottom-up, when the walker computed them (the native one does;
   * otherwise DiskTree sums them itself, the same way).
   */
  directoryTotals?: {
    entry: Int32Array;
    apparent: Float64Array;
    allocated: Float64Array;
    files: Float64Array;
    directories: Float64Array;
    newest: Float64Array;
    ownApparent: Float64Array;
    ownAllocated: Float64Array;
    ownFiles: Float64Array;
  };
  /** The largest folded files, largest first. */
  topFiles: RawTopFile[];
  errors: RawError[];
  /** Entries that disappeared while the scan ran. */
  vanished: number;
  /** Inodes with several hard links, each counted once. */
  hardlinks: number;
  threads: number;
}

export interface WalkProgress {
  files: number;
  directories: number;
  allocatedBytes: number;
  apparentBytes: number;
  current: string;
}

export interface WalkerInfo {
  /** Which walker scanned; `import` when the scan was read from a saved file. */
  kind: 'native' | 'js' | 'import';
  threads: number;
  /** The file an imported scan came from. */
  source?: string;
  /** Why the JavaScript walker ran, when it did. */
  reason?: string;
}
