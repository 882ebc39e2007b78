/**
 * The verdict of a Node.js process whose V8 heap was recorded beside its RSS (`hog run`'s preload,
 * `hog watch --heap`). A heap that keeps what it allocates fills first and takes RSS with it only
 * later: V8 reserves heap pages in chunks, and a process that allocated a big buffer at start has RSS
 * to spare. So a steadily rising post-GC heap under an RSS that is not (yet) leaking is a leak in the
 * making, and the verdict says which series decided.
 *
 * "Post-GC heap": the preload reports process.memoryUsage().heapUsed at the sampling interval, not at
 * collections (it records no GC events), so the heap right after a collection is estimated as the
 * lower envelope of heapUsed, the minimum of each of the 16 time buckets (envelope.ts). A major GC
 * drops heapUsed to what is live; the minimum of a bucket spanning a collection is that value. The
 * heap series is judged by the same rules and thresholds as RSS (verdict.ts): at least 1 MiB and 1%
 * of its level over the recent half, p < 0.01, still rising at the end.
 *
 * Rule: RSS decides when it is leaking, or when there are too few samples to judge; else a heap that
 * is leaking, steadily from the start (steadyFromStart), decides (class leaking, series heap_used);
 * else RSS decides.
 */
import type { Sample } from './envelope.js';
import { lowerEnvelope } from './envelope.js';
import { mannKendall, theilSen } from './trend.js';
import { ALPHA, formatP, judge, type Verdict } from './verdict.js';

/** Quarters of the recording whose lowest heap must each sit above the one before. */
const QUARTERS = 4;

/**
 * Stricter than RSS, since the heap is read between collections: a live set that swings (a queue that
 * fills and drains) leaves major collections minutes apart, and the floor of a bucket between two of
 * them is not the live set. So the heap's floor must rise over the whole recording (Mann–Kendall
 * p < ALPHA, Sen's interval above zero), not only over its recent half, and the lowest heap of each
 * quarter of the recording must sit above the quarter before's.
 */
function steadyFromStart(heap: readonly Sample[], verdict: Verdict): boolean {
  const first = (heap[0] as Sample).t;
  if (verdict.fit?.fromMs !== first) {
    // fitted on the recent half: the whole recording's floor must rise significantly too
    const points = lowerEnvelope(heap, first);
    const mk = mannKendall(points);
    if (!(mk.z > 0 && mk.p < ALPHA && theilSen(points).low > 0)) return false;
  }
  const span = (heap[heap.length - 1] as Sample).t - first;
  const lows: number[] = new Array(QUARTERS).fill(Number.POSITIVE_INFINITY);
  for (const s of heap) {
    const q = span <= 0 ? 0 : Math.min(QUARTERS - 1, Math.floor(((s.t - first) / span) * QUARTERS));
    if (s.bytes < (lows[q] as number)) lows[q] = s.bytes;
  }
  return lows.every((low, q) => q === 0 || low > (lows[q - 1] as number));
}

export function judgeMemory(rss: readonly Sample[], heapUsed: readonly Sample[] = []): Verdict {
  const byRss = judge(rss);
  if (byRss.class === 'leaking' || byRss.class === 'not-enough-data' || heapUsed.length === 0) return byRss;
  const byHeap = judge(heapUsed);
  if (byHeap.class !== 'leaking' || !steadyFromStart(heapUsed, byHeap)) return byRss;
  return {
    ...byHeap,
    series: 'heap_used',
    rss: { class: byRss.class, slopeBytesPerMinute: byRss.fit?.slopeBytesPerMinute ?? 0 },
    reason: `the V8 heap's post-GC floor (the lowest heap used of each time bucket) rose steadily (Mann–Kendall p=${formatP(byHeap.fit?.p ?? 1)}) while RSS was ${byRss.class}: the heap keeps what it allocates, and RSS follows once what the process reserved is used up`,
  };
}
