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
 * is leaking decides (class leaking, series heap_used); else RSS decides.
 */
import type { Sample } from './envelope.js';
import { formatP, judge, type Verdict } from './verdict.js';

export function judgeMemory(rss: readonly Sample[], heapUsed: readonly Sample[] = []): Verdict {
  const byRss = judge(rss);
  if (byRss.class === 'leaking' || byRss.class === 'not-enough-data' || heapUsed.length === 0) return byRss;
  const byHeap = judge(heapUsed);
  if (byHeap.class !== 'leaking') return byRss;
  return {
    ...byHeap,
    series: 'heap_used',
    rss: { class: byRss.class, slopeBytesPerMinute: byRss.fit?.slopeBytesPerMinute ?? 0 },
    reason: `the V8 heap's post-GC floor (the lowest heap used of each time bucket) rose steadily (Mann–Kendall p=${formatP(byHeap.fit?.p ?? 1)}) while RSS was ${byRss.class}: the heap keeps what it allocates, and RSS follows once what the process reserved is used up`,
  };
}
