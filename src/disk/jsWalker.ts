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

export async function walkJs(
  request: WalkRequest,
  onProgress?: (progress: WalkProgress) => void,
  everyMs = 100,
): Promise<RawScan> {
  const parent: number[] = [];
  const kind: number[] = [];
  const apparent: number[] = [];
  const allocated: number[] = [];
  const mtime: number[] = [];
  const nameStart: number[] = [];
  const names: Buffer[] = [];
  let namesLength = 0;
  const agg = {
    entry: [] as number[],
    apparent: [] as number[],
    allocated: [] as number[],
    count: [] as number[],
    mtime: [] as number[],
  };
  const errors: RawError[] = [];
  const links: LinkRecord[] = [];
  const top = new TopFiles(request.topFiles, request.byApparent);
  const exclude = new ExcludeMatcher(request.excludes);
  const skipDevs = new Set(request.skipDevs);
  let vanished = 0;
  const progress: WalkProgress = {
    files: 0,
    directories: 0,
    allocatedBytes: 0,
    apparentBytes: 0,
    current: '',
  };

  const append = (
    p: number,
    name: Buffer,
    k: number,
    st: { size: number; blocks: number; mtimeMs: number } | undefined,
  ): number => {
    parent.push(p);
    kind.push(k);
    apparent.push(st ? st.size : 0);
    allocated.push(st ? st.blocks * 512 : 0);
    mtime.push(st ? Math.floor(st.mtimeMs / 1000) : 0);
    nameStart.push(namesLength);
    names.push(name);
    namesLength += name.length;
    return parent.length - 1;
  };

  const stack: { path: Buffer; index: number; depth: number; dev: number }[] = [];
  for (const root of request.roots) {
    let st: Stats;
    try {
      st = statSync(root);
    } catch (error) {
      errors.push({ entry: -1, code: errnoCode(error) ?? 'EIO', op: 'stat', path: Buffer.from(root) });
      continue;
    }
    const k = kindOf(st);
    const link = k !== KIND_DIR && st.nlink > 1;
    const index = append(-1, Buffer.from(root), k | (link ? FLAG_HARDLINK : 0), st);
    if (link)
      links.push({
        key: `${st.dev}:${st.ino}`,
        entry: index,
        parent: -1,
        name: Buffer.alloc(0),
        apparent: 0,
        allocated: 0,
        mtime: 0,
      });
    if (k === KIND_DIR) stack.push({ path: Buffer.from(root), index, depth: 0, dev: st.dev });
  }

  let lastYield = Date.now();
  while (stack.length > 0) {
    const job = stack.pop() as (typeof stack)[number];
    progress.current = job.path.toString('utf8');
    if (Date.now() - lastYield >= everyMs) {
      onProgress?.({ ...progress });
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
    let entries: Buffer[];
    try {
      entries = readdirSync(job.path, { encoding: 'buffer' });
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') vanished++;
      else {
        errors.push({ entry: job.index, code: code ?? 'EIO', op: 'open' });
        kind[job.index] = (kind[job.index] as number) | FLAG_UNREADABLE;
      }
      continue;
    }
    const base = job.path.length === 1 && job.path[0] === 0x2f ? job.path : Buffer.concat([job.path, SLASH]);
    const keepFiles = request.keepDepth < 0 || job.depth + 1 <= request.keepDepth;
    let folded = { apparent: 0, allocated: 0, count: 0, mtime: 0 };
    let statError: string | undefined;
    for (const name of entries) {
      const path = Buffer.concat([base, name]);
      if (!exclude.empty && exclude.excludes(name.toString('utf8'), () => path.toString('utf8'))) continue;
      let st: Stats;
      try {
        st = lstatSync(path);
      } catch (error) {
        const code = errnoCode(error);
        if (code === 'ENOENT') vanished++;
        else statError = code ?? 'EIO';
        continue;
      }
      const k = kindOf(st);
      if (st.dev !== job.dev && (request.oneFileSystem || skipDevs.has(st.dev))) {
        append(job.index, name, k | FLAG_OTHER_FS, { size: 0, blocks: 0, mtimeMs: st.mtimeMs });
        continue;
      }
      const link = k !== KIND_DIR && st.nlink > 1;
      if (k === KIND_DIR) progress.directories++;
      else progress.files++;
      progress.allocatedBytes += st.blocks * 512;
      progress.apparentBytes += st.size;
      const seconds = Math.floor(st.mtimeMs / 1000);
      if (k === KIND_DIR || keepFiles) {
        const index = append(job.index, name, k | (link ? FLAG_HARDLINK : 0), st);
        if (link)
          links.push({
            key: `${st.dev}:${st.ino}`,
            entry: index,
            parent: job.index,
            name,
            apparent: st.size,
            allocated: st.blocks * 512,
            mtime: seconds,
          });
        if (k === KIND_DIR) stack.push({ path, index, depth: job.depth + 1, dev: job.dev });
      } else if (link) {
        links.push({
          key: `${st.dev}:${st.ino}`,
          entry: -1,
          parent: job.index,
          name,
          apparent: st.size,
          allocated: st.blocks * 512,
          mtime: seconds,
        });
      } else {
        folded = {
          apparent: folded.apparent + st.size,
          allocated: folded.allocated + st.blocks * 512,
          count: folded.count + 1,
          mtime: Math.max(folded.mtime, seconds),
        };
        top.push({
          parent: job.index,
          name,
          apparent: st.size,
          allocated: st.blocks * 512,
          mtime: seconds,
        });
      }
    }
    if (statError !== undefined) errors.push({ entry: job.index, code: statError, op: 'stat' });
    if (folded.count > 0) {
      agg.entry.push(job.index);
      agg.apparent.push(folded.apparent);
      agg.allocated.push(folded.allocated);
      agg.count.push(folded.count);
      agg.mtime.push(folded.mtime);
    }
  }

  const namesBuffer = Buffer.concat(names, namesLength);
  nameStart.push(namesLength);
  const pathOf = (index: number): Buffer => {
    const chain: number[] = [];
    for (let i = index; i >= 0; i = parent[i] as number) chain.push(i);
    const parts: Buffer[] = [];
    for (const i of chain.reverse()) {
      if (parts.length > 0 && parts[parts.length - 1]?.at(-1) !== 0x2f) parts.push(SLASH);
      parts.push(namesBuffer.subarray(nameStart[i], nameStart[i + 1]));
    }
    return Buffer.concat(parts);
  };

  // hard links: one count per inode, at the link with the smallest path (bytewise, as the native walker)
  const groups = new Map<string, LinkRecord[]>();
  for (const link of links) {
    const group = groups.get(link.key);
    if (group) group.push(link);
    else groups.set(link.key, [link]);
  }
  const linkEntry: number[] = [];
  const linkGroup: number[] = [];
  let groupNumber = 0;
  for (const group of groups.values()) {
    const pathOfLink = (r: LinkRecord) =>
      r.entry >= 0 ? pathOf(r.entry) : Buffer.concat([pathOf(r.parent), SLASH, r.name]);
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
    for (const r of group) {
      if (r.entry >= 0) {
        linkEntry.push(r.entry);
        linkGroup.push(groupNumber);
        if (r !== owner) kind[r.entry] = ((kind[r.entry] as number) & ~FLAG_HARDLINK) | FLAG_LINK_DUP;
      } else if (r === owner) {
        agg.entry.push(r.parent);
        agg.apparent.push(r.apparent);
        agg.allocated.push(r.allocated);
        agg.count.push(1);
        agg.mtime.push(r.mtime);
        top.push({
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

  return {
    count: parent.length,
    parent: Int32Array.from(parent),
    kind: Uint8Array.from(kind),
    apparent: Float64Array.from(apparent),
    allocated: Float64Array.from(allocated),
    mtime: Float64Array.from(mtime),
    nameStart: Uint32Array.from(nameStart),
    names: namesBuffer,
    aggregates: {
      entry: Int32Array.from(agg.entry),
      apparent: Float64Array.from(agg.apparent),
      allocated: Float64Array.from(agg.allocated),
      count: Float64Array.from(agg.count),
      mtime: Float64Array.from(agg.mtime),
    },
    links: { entry: Int32Array.from(linkEntry), group: Int32Array.from(linkGroup) },
    topFiles: top.files,
    errors,
    vanished,
    hardlinks: groups.size,
    threads: 1,
  };
}
