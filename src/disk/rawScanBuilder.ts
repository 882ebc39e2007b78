/**
 * Building a RawScan entry by entry, for the walkers that are not native: the JavaScript walker and
 * the reader of saved scans. Parents must be added before their children.
 */
import type { RawScan } from './scanTypes.js';

export class RawScanBuilder {
  private readonly parents: number[] = [];
  private readonly kinds: number[] = [];
  private readonly apparent: number[] = [];
  private readonly allocated: number[] = [];
  private readonly mtimes: number[] = [];
  private readonly nameStart: number[] = [];
  private readonly names: Buffer[] = [];
  private namesLength = 0;
  private readonly aggregates = {
    entry: [] as number[],
    apparent: [] as number[],
    allocated: [] as number[],
    count: [] as number[],
    mtime: [] as number[],
  };
  private readonly linkEntry: number[] = [];
  private readonly linkGroup: number[] = [];

  get count(): number {
    return this.parents.length;
  }

  /** Add an entry; returns its index. `mtime` in seconds. */
  add(
    parent: number,
    name: Buffer,
    kind: number,
    apparent: number,
    allocated: number,
    mtime: number,
  ): number {
    this.parents.push(parent);
    this.kinds.push(kind);
    this.apparent.push(apparent);
    this.allocated.push(allocated);
    this.mtimes.push(mtime);
    this.nameStart.push(this.namesLength);
    this.names.push(name);
    this.namesLength += name.length;
    return this.parents.length - 1;
  }

  kindOf(entry: number): number {
    return this.kinds[entry] as number;
  }

  setKind(entry: number, kind: number): void {
    this.kinds[entry] = kind;
  }

  /** Files folded into a directory instead of listed. */
  fold(entry: number, apparent: number, allocated: number, count: number, mtime: number): void {
    this.aggregates.entry.push(entry);
    this.aggregates.apparent.push(apparent);
    this.aggregates.allocated.push(allocated);
    this.aggregates.count.push(count);
    this.aggregates.mtime.push(mtime);
  }

  /** A kept entry that is one of several hard links to one inode (`group` numbers the inode). */
  link(entry: number, group: number): void {
    this.linkEntry.push(entry);
    this.linkGroup.push(group);
  }

  /** The path of an entry as bytes, while building. */
  pathOf(entry: number): Buffer {
    const chain: number[] = [];
    for (let i = entry; i >= 0; i = this.parents[i] as number) chain.push(i);
    const parts: Buffer[] = [];
    for (const i of chain.reverse()) {
      const last = parts[parts.length - 1];
      if (last !== undefined && last[last.length - 1] !== 0x2f) parts.push(Buffer.from('/'));
      parts.push(this.names[i] as Buffer);
    }
    return Buffer.concat(parts);
  }

  build(rest: Pick<RawScan, 'topFiles' | 'errors' | 'vanished' | 'hardlinks' | 'threads'>): RawScan {
    const a = this.aggregates;
    return {
      count: this.parents.length,
      parent: Int32Array.from(this.parents),
      kind: Uint8Array.from(this.kinds),
      apparent: Float64Array.from(this.apparent),
      allocated: Float64Array.from(this.allocated),
      mtime: Float64Array.from(this.mtimes),
      nameStart: Uint32Array.from([...this.nameStart, this.namesLength]),
      names: Buffer.concat(this.names, this.namesLength),
      aggregates: {
        entry: Int32Array.from(a.entry),
        apparent: Float64Array.from(a.apparent),
        allocated: Float64Array.from(a.allocated),
        count: Float64Array.from(a.count),
        mtime: Float64Array.from(a.mtime),
      },
      links: { entry: Int32Array.from(this.linkEntry), group: Int32Array.from(this.linkGroup) },
      ...rest,
    };
  }
}
