/**
 * The JavaScript disk walker: the fallback when the native addon was not built. Same rules and the
 * same result as src/disk/native/walker.cc (read that file for the why), on one thread with
 * readdirSync + lstatSync. Names are handled as bytes, so names that are not UTF-8 survive.
 * It yields to the event loop every few thousand entries so a progress line can be drawn.
 */
import { lstatSync, readdirSync, type Stats, statSync } from 'node:fs';
import { errnoCode } from '../errors.js';
import { ExcludeMatcher } from './glob.js';
import { compareLargest } from './largest.js';
import { RawScanBuilder } from './rawScanBuilder.js';
import {
  FLAG_HARDLINK,
  FLAG_LINK_DUP,
  FLAG_OTHER_FS,
  FLAG_UNREADABLE,
  KIND_DIR,
  KIND_FILE,
  KIND_OTHER,
  KIND_SYMLINK,
  type RawError,
  type RawScan,
  type RawTopFile,
  type WalkProgress,
  type WalkRequest,
} from './scanTypes.js';

const SLASH = Buffer.from('/');

function kindOf(st: Stats): number {
  if (st.isFile()) return KIND_FILE;
  if (st.isDirectory()) return KIND_DIR;
  if (st.isSymbolicLink()) return KIND_SYMLINK;
  return KIND_OTHER;
}

interface LinkRecord {
  key: string;
  entry: number;
  parent: number;
  name: Buffer;
  apparent: number;
  allocated: number;
  mtime: number;
}

/** The largest `limit` folded files, kept in order (small limits: a sorted insert is simpler than a heap). */
class TopFiles {
  readonly files: RawTopFile[] = [];
  constructor(
    private readonly limit: number,
    private readonly byApparent: boolean,
  ) {}
  enters(file: RawTopFile): boolean {
    if (this.limit <= 0) return false;
    return (
      this.files.length < this.limit ||
      compareLargest(file, this.files[this.files.length - 1] as RawTopFile, this.byApparent) < 0
    );
  }
  push(file: RawTopFile): void {
    if (!this.enters(file)) return;
    const at = this.files.findIndex((f) => compareLargest(file, f, this.byApparent) < 0);
    this.files.splice(at < 0 ? this.files.length : at, 0, file);
    if (this.files.length > this.limit) this.files.pop();
  }
}

const seconds = (st: Stats) => Math.floor(st.mtimeMs / 1000);

function linkOf(st: Stats, entry: number, parent: number, name: Buffer): LinkRecord {
  return {
    key: `${st.dev}:${st.ino}`,
    entry,
    parent,
    name,
    apparent: st.size,
    allocated: st.blocks * 512,
    mtime: seconds(st),
  };
}

/** A directory waiting to be read: its path, its entry in the scan, its depth and its device. */
interface DirectoryJob {
  path: Buffer;
  index: number;
  depth: number;
  dev: number;
}

/** Files of one directory that are counted in its totals, not kept one by one. */
interface Folded {
  apparent: number;
  allocated: number;
  count: number;
  mtime: number;
}

/** One walk's state: what was found so far, and the directories still to read. */
class JsWalk {
  readonly scan = new RawScanBuilder();
  readonly errors: RawError[] = [];
  readonly links: LinkRecord[] = [];
  readonly top: TopFiles;
  readonly stack: DirectoryJob[] = [];
  readonly progress: WalkProgress = {
    files: 0,
    directories: 0,
    allocatedBytes: 0,
    apparentBytes: 0,
    current: '',
  };
  vanished = 0;
  private readonly exclude: ExcludeMatcher;
  private readonly skipDevs: Set<number>;
  // without statx here, the mount points of /proc/self/mountinfo tell where another mount starts
  private readonly mountPoints: Set<string>;

  constructor(private readonly request: WalkRequest) {
    this.top = new TopFiles(request.topFiles, request.byApparent);
    this.exclude = new ExcludeMatcher(request.excludes);
    this.skipDevs = new Set(request.skipDevs);
    this.mountPoints = new Set(request.oneMount ? (request.mountPoints ?? []) : []);
  }

  /** A root given by the user: followed if a symlink (stat, not lstat), queued if a directory. */
  addRoot(root: string): void {
    let st: Stats;
    try {
      st = statSync(root);
    } catch (error) {
      this.errors.push({ entry: -1, code: errnoCode(error) ?? 'EIO', op: 'stat', path: Buffer.from(root) });
      return;
    }
    const k = kindOf(st);
    const link = k !== KIND_DIR && st.nlink > 1;
    const index = this.scan.add(
      -1,
      Buffer.from(root),
      k | (link ? FLAG_HARDLINK : 0),
      st.size,
      st.blocks * 512,
      seconds(st),
    );
    if (link) this.links.push(linkOf(st, index, -1, Buffer.alloc(0)));
    if (k === KIND_DIR) this.stack.push({ path: Buffer.from(root), index, depth: 0, dev: st.dev });
  }

  /** Read one directory: each entry is kept, folded into the directory's totals, or left out. */
  readDirectory(job: DirectoryJob): void {
    let entries: Buffer[];
    try {
      entries = readdirSync(job.path, { encoding: 'buffer' });
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') this.vanished++;
      else {
        this.errors.push({ entry: job.index, code: code ?? 'EIO', op: 'open' });
        this.scan.setKind(job.index, this.scan.kindOf(job.index) | FLAG_UNREADABLE);
      }
      return;
    }
    const base = job.path.length === 1 && job.path[0] === 0x2f ? job.path : Buffer.concat([job.path, SLASH]);
    const keepFiles = this.request.keepDepth < 0 || job.depth + 1 <= this.request.keepDepth;
    const folded: Folded = { apparent: 0, allocated: 0, count: 0, mtime: 0 };
    let statError: string | undefined;
    for (const name of entries) {
      const path = Buffer.concat([base, name]);
      if (!this.exclude.empty && this.exclude.excludes(name.toString('utf8'), () => path.toString('utf8')))
        continue;
      let st: Stats;
      try {
        st = lstatSync(path);
      } catch (error) {
        const code = errnoCode(error);
        if (code === 'ENOENT') this.vanished++;
        else statError = code ?? 'EIO';
        continue;
      }
      this.addEntry(job, name, path, st, keepFiles, folded);
    }
    if (statError !== undefined) this.errors.push({ entry: job.index, code: statError, op: 'stat' });
    if (folded.count > 0)
      this.scan.fold(job.index, folded.apparent, folded.allocated, folded.count, folded.mtime);
  }

  /** One entry of a directory being read. */
  private addEntry(
    job: DirectoryJob,
    name: Buffer,
    path: Buffer,
    st: Stats,
    keepFiles: boolean,
    folded: Folded,
  ): void {
    const { scan, progress } = this;
    const k = kindOf(st);
    const otherMount =
      k === KIND_DIR && this.mountPoints.size > 0 && this.mountPoints.has(path.toString('utf8'));
    if (otherMount || (st.dev !== job.dev && (this.request.oneFileSystem || this.skipDevs.has(st.dev)))) {
      scan.add(job.index, name, k | FLAG_OTHER_FS, 0, 0, seconds(st));
      return;
    }
    const link = k !== KIND_DIR && st.nlink > 1;
    if (k === KIND_DIR) progress.directories++;
    else progress.files++;
    progress.allocatedBytes += st.blocks * 512;
    progress.apparentBytes += st.size;
    if (k === KIND_DIR || keepFiles) {
      const index = scan.add(
        job.index,
        name,
        k | (link ? FLAG_HARDLINK : 0),
        st.size,
        st.blocks * 512,
        seconds(st),
      );
      if (link) this.links.push(linkOf(st, index, job.index, name));
      if (k === KIND_DIR) this.stack.push({ path, index, depth: job.depth + 1, dev: job.dev });
    } else if (link) {
      this.links.push(linkOf(st, -1, job.index, name));
    } else {
      folded.apparent += st.size;
      folded.allocated += st.blocks * 512;
      folded.count++;
      folded.mtime = Math.max(folded.mtime, seconds(st));
      this.top.push({
        parent: job.index,
        name,
        apparent: st.size,
        allocated: st.blocks * 512,
        mtime: seconds(st),
      });
    }
  }

  /**
   * Hard links: one count per inode, at the link with the smallest path (bytewise, as the native
   * walker). Returns the number of inodes with links.
   */
  settleHardLinks(): number {
    const { scan } = this;
    const groups = new Map<string, LinkRecord[]>();
    for (const link of this.links) {
      const group = groups.get(link.key);
      if (group) group.push(link);
      else groups.set(link.key, [link]);
    }
    let groupNumber = 0;
    for (const group of groups.values()) {
      const owner = this.firstByPath(group);
      for (const r of group) {
        if (r.entry >= 0) {
          scan.link(r.entry, groupNumber);
          if (r !== owner) scan.setKind(r.entry, (scan.kindOf(r.entry) & ~FLAG_HARDLINK) | FLAG_LINK_DUP);
        } else if (r === owner) {
          scan.fold(r.parent, r.apparent, r.allocated, 1, r.mtime);
          this.top.push({
            parent: r.parent,
            name: r.name,
            apparent: r.apparent,
            allocated: r.allocated,
            mtime: r.mtime,
          });
        }
      }
      groupNumber++;
    }
    return groups.size;
  }

  /** The link of a group whose path sorts first. */
  private firstByPath(group: LinkRecord[]): LinkRecord {
    const pathOfLink = (r: LinkRecord) =>
      r.entry >= 0 ? this.scan.pathOf(r.entry) : Buffer.concat([this.scan.pathOf(r.parent), SLASH, r.name]);
    let owner = group[0] as LinkRecord;
    if (group.length > 1) {
      let best = pathOfLink(owner);
      for (const r of group.slice(1)) {
        const p = pathOfLink(r);
        if (Buffer.compare(p, best) < 0) {
          best = p;
          owner = r;
        }
      }
    }
    return owner;
  }
}

export async function walkJs(
  request: WalkRequest,
  onProgress?: (progress: WalkProgress) => void,
  everyMs = 100,
): Promise<RawScan> {
  const walk = new JsWalk(request);
  for (const root of request.roots) walk.addRoot(root);
  let lastYield = Date.now();
  while (walk.stack.length > 0) {
    const job = walk.stack.pop() as DirectoryJob;
    walk.progress.current = job.path.toString('utf8');
    if (Date.now() - lastYield >= everyMs) {
      onProgress?.({ ...walk.progress });
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
    walk.readDirectory(job);
  }
  const hardlinks = walk.settleHardLinks();
  return walk.scan.build({
    topFiles: walk.top.files,
    errors: walk.errors,
    vanished: walk.vanished,
    hardlinks,
    threads: 1,
  });
}
