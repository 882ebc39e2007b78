/**
 * Building a RawScan entry by entry, for the walkers that are not native: the JavaScript walker and
 * the reader of saved scans. Parents must be added before their children. Entries go straight into
 * growing typed arrays and one growing name buffer: a million entries cost ~50 MiB, not an object each.
 */
import type { RawScan } from './scanTypes.js';

type Typed = Int32Array | Uint8Array | Uint32Array | Float64Array;

/** A typed array that doubles when full. */
class Growing<T extends Typed> {
  length = 0;
  constructor(
    private data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(Math.max(16, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  get(i: number): number {
    return this.data[i] as number;
  }
  set(i: number, value: number): void {
    this.data[i] = value;
  }
  /** The values, trimmed to length (a copy: the spare capacity is released with the builder). */
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

const f64 = () => new Growing(new Float64Array(1024), (n) => new Float64Array(n));
const i32 = () => new Growing(new Int32Array(1024), (n) => new Int32Array(n));

export class RawScanBuilder {
  private readonly parents = i32();
  private readonly kinds = new Growing(new Uint8Array(1024), (n) => new Uint8Array(n));
  private readonly apparent = f64();
  private readonly allocated = f64();
  private readonly mtimes = f64();
  private readonly nameStart = new Growing(new Uint32Array(1024), (n) => new Uint32Array(n));
  private names = Buffer.allocUnsafe(64 * 1024);
  private namesLength = 0;
  private readonly aggregates = {
    entry: i32(),
    apparent: f64(),
    allocated: f64(),
    count: f64(),
    mtime: f64(),
  };
  private readonly linkEntry = i32();
  private readonly linkGroup = i32();

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
    if (this.namesLength + name.length > this.names.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.names.length * 2, this.namesLength + name.length));
      this.names.copy(bigger, 0, 0, this.namesLength);
      this.names = bigger;
    }
    name.copy(this.names, this.namesLength);
    this.namesLength += name.length;
    return this.parents.length - 1;
  }

  kindOf(entry: number): number {
    return this.kinds.get(entry);
  }

  setKind(entry: number, kind: number): void {
    this.kinds.set(entry, kind);
  }

  /** Files folded into a directory instead of listed. */
  fold(entry: number, apparent: number, allocated: number, count: number, mtime: number): void {
    const a = this.aggregates;
    a.entry.push(entry);
    a.apparent.push(apparent);
    a.allocated.push(allocated);
    a.count.push(count);
    a.mtime.push(mtime);
  }

  /** A kept entry that is one of several hard links to one inode (`group` numbers the inode). */
  link(entry: number, group: number): void {
    this.linkEntry.push(entry);
    this.linkGroup.push(group);
  }

  private nameOf(entry: number): Buffer {
    const end = entry + 1 < this.nameStart.length ? this.nameStart.get(entry + 1) : this.namesLength;
    return this.names.subarray(this.nameStart.get(entry), end);
  }

  /** The path of an entry as bytes, while building. */
  pathOf(entry: number): Buffer {
    const chain: number[] = [];
    for (let i = entry; i >= 0; i = this.parents.get(i)) chain.push(i);
    const parts: Buffer[] = [];
    for (const i of chain.reverse()) {
      const last = parts[parts.length - 1];
      if (last !== undefined && last[last.length - 1] !== 0x2f) parts.push(Buffer.from('/'));
      parts.push(this.nameOf(i));
    }
    return Buffer.concat(parts);
  }

  build(rest: Pick<RawScan, 'topFiles' | 'errors' | 'vanished' | 'hardlinks' | 'threads'>): RawScan {
    const a = this.aggregates;
    this.nameStart.push(this.namesLength);
    return {
      count: this.parents.length,
      parent: this.parents.done(),
      kind: this.kinds.done(),
      apparent: this.apparent.done(),
      allocated: this.allocated.done(),
      mtime: this.mtimes.done(),
      nameStart: this.nameStart.done(),
      names: Buffer.from(this.names.subarray(0, this.namesLength)),
      aggregates: {
        entry: a.entry.done(),
        apparent: a.apparent.done(),
        allocated: a.allocated.done(),
        count: a.count.done(),
        mtime: a.mtime.done(),
      },
      links: { entry: this.linkEntry.done(), group: this.linkGroup.done() },
      ...rest,
    };
  }
}
