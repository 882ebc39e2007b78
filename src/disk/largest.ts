/**
 * The order of "largest" files, the same in both walkers (native/walker.cc Above) and the report: by
 * the ranked size, then the other size, then newer first, then by name bytes — a total order in
 * practice, so both walkers and every run list the same files even when many sizes tie.
 */

export interface Sized {
  apparent: number;
  allocated: number;
  mtime: number;
  name: Buffer;
}

/** Negative when a ranks above b (sorts first). */
export function compareLargest(a: Sized, b: Sized, byApparent: boolean): number {
  const key = (x: Sized) => (byApparent ? x.apparent : x.allocated);
  const other = (x: Sized) => (byApparent ? x.allocated : x.apparent);
  return key(b) - key(a) || other(b) - other(a) || b.mtime - a.mtime || Buffer.compare(a.name, b.name);
}

/** The `k` items ranking first by `compare`, in order (a sorted insert: k is small). */
export function largest<T>(k: number, items: Iterable<T>, compare: (a: T, b: T) => number): T[] {
  const best: T[] = [];
  if (k <= 0) return best;
  for (const item of items) {
    if (best.length === k && compare(item, best[k - 1] as T) >= 0) continue;
    let at = best.length;
    while (at > 0 && compare(item, best[at - 1] as T) < 0) at--;
    best.splice(at, 0, item);
    if (best.length > k) best.pop();
  }
  return best;
}
