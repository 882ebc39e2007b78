/**
 * The memory probe: what "Mem usage" measures, and how it is read at every profiled line.
 *
 * The probe runs before every statement of a profiled function, so its cost is the profiler's
 * overhead. Measured on the CI machine (Node.js 20, 2 cores; ns per call, idle .. busy machine):
 *
 *   process.memoryUsage()                   12 000 .. 35 000  reads /proc/self/stat; allocates an object
 *   process.memoryUsage.rss()               10 000 .. 27 000  reads /proc/self/stat
 *   pread of /proc/self/statm (kept open)    3 000 ..  4 000  same RSS, no object
 *   v8.getHeapStatistics()                     280 ..    830  allocates ~380 bytes per call, which the
 *                                                             next read would count as the line's own
 *   V8's heap statistics buffer                210 ..    290  what v8.getHeapStatistics() fills, read
 *                                                             without building an object: allocates nothing
 *
 * So the default metric, `heap`, reads V8's heap statistics buffer directly: used_heap_size (every
 * live-or-not-yet-collected object on the V8 heap of this thread) plus external_memory (memory held
 * outside the heap by ArrayBuffers, Buffers and other external strings/objects). That is "V8 heap used
 * plus external", the same quantities as process.memoryUsage().heapUsed + .external, at 1/50 of the
 * cost and with no allocation of its own. `rss` is the resident set size of the whole process, from
 * /proc/self/statm (field 2 = resident pages, as the kernel's proc(5) documents); it includes V8's
 * reserved-but-free heap pages, native memory and other threads, and moves in whole pages.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import v8 from 'node:v8';
import { pageSize } from '../proc/pageSize.js';
import { type StatmSizes, statmSizesInto } from '../proc/statm.js';

export type Metric = 'heap' | 'rss';

export const METRICS: readonly Metric[] = ['heap', 'rss'];

export interface MemoryReader {
  metric: Metric;
  /** Current value in bytes. */
  read: () => number;
  /** One sentence for the report: what the number is. */
  describes: string;
  close(): void;
}

export const METRIC_DESCRIPTIONS: Record<Metric, string> = {
  heap: 'V8 heap used + external memory (Buffers, ArrayBuffers) of the thread, garbage not yet collected included',
  rss: 'resident set size of the whole process (/proc/self/statm), in whole pages',
};

interface HeapStatisticsBinding {
  heapStatisticsBuffer: Float64Array;
  updateHeapStatisticsBuffer: () => void;
  kUsedHeapSizeIndex: number;
  kExternalMemoryIndex: number;
  heapSpaceStatisticsBuffer?: Float64Array;
  updateHeapSpaceStatisticsBuffer?: (space: number) => void;
  kHeapSpaces?: string[];
  kSpaceUsedSizeIndex?: number;
}

/**
 * Node's internal v8 binding: the Float64Array that v8.getHeapStatistics() copies into an object.
 * process.binding is deprecated (DEP0111) but still present in Node 20-24; the warning is silenced
 * for this one lookup, and anything unexpected falls back to the public API.
 */
function heapStatisticsBinding(): HeapStatisticsBinding | undefined {
  const saved = process.noDeprecation;
  try {
    process.noDeprecation = true;
    const binding = (process as unknown as { binding(name: string): unknown }).binding('v8') as
      | Partial<HeapStatisticsBinding>
      | undefined;
    if (
      binding &&
      binding.heapStatisticsBuffer instanceof Float64Array &&
      typeof binding.updateHeapStatisticsBuffer === 'function' &&
      typeof binding.kUsedHeapSizeIndex === 'number' &&
      typeof binding.kExternalMemoryIndex === 'number'
    ) {
      return binding as HeapStatisticsBinding;
    }
  } catch {
    // not available in this Node.js: use the public API
  } finally {
    process.noDeprecation = saved;
  }
  return undefined;
}

export function heapReader(): MemoryReader {
  const binding = heapStatisticsBinding();
  let read: () => number;
  if (binding) {
    const buffer = binding.heapStatisticsBuffer;
    const update = binding.updateHeapStatisticsBuffer;
    const used = binding.kUsedHeapSizeIndex;
    const external = binding.kExternalMemoryIndex;
    read = () => {
      update();
      return (buffer[used] as number) + (buffer[external] as number);
    };
  } else {
    // The public API builds a result object (~380 bytes) that the next reading counts, unless V8's
    // optimiser removes it; there is no constant to subtract. Only used where the buffer is missing.
    read = () => {
      const s = v8.getHeapStatistics();
      return s.used_heap_size + s.external_memory;
    };
  }
  return { metric: 'heap', read, describes: METRIC_DESCRIPTIONS.heap, close: () => {} };
}

export function rssReader(procRoot = '/proc'): MemoryReader {
  const file = `${procRoot}/self/statm`;
  const fd = openSync(file, 'r');
  // kept for every reading: a pread into the buffer, parsed into the object, no string
  const buffer = Buffer.alloc(256);
  const sizes: StatmSizes = { size: 0, resident: 0, shared: 0 };
  // this kernel's page size (auxv of this process), whatever tree statm is read from, as before
  const page = pageSize();
  const read = () => {
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return statmSizesInto(sizes, buffer, n, file).resident * page;
  };
  return {
    metric: 'rss',
    read,
    describes: METRIC_DESCRIPTIONS.rss,
    close: () => closeSync(fd),
  };
}

/**
 * Bytes in V8's young generation (new space and new large-object space): objects allocated since the
 * last scavenge, garbage included. Cheap (one space at a time, no object); 0 if unknown.
 */
export function youngGenerationReader(): () => number {
  const binding = heapStatisticsBinding();
  const spaces = binding?.kHeapSpaces ?? [];
  const young = ['new_space', 'new_large_object_space']
    .map((name) => spaces.indexOf(name))
    .filter((i) => i >= 0);
  const buffer = binding?.heapSpaceStatisticsBuffer;
  const update = binding?.updateHeapSpaceStatisticsBuffer;
  const used = binding?.kSpaceUsedSizeIndex;
  if (!buffer || !update || used === undefined || young.length === 0) {
    return () =>
      v8
        .getHeapSpaceStatistics()
        .filter((s) => s.space_name === 'new_space' || s.space_name === 'new_large_object_space')
        .reduce((sum, s) => sum + s.space_used_size, 0);
  }
  return () => {
    let total = 0;
    for (const space of young) {
      update(space);
      total += buffer[used] as number;
    }
    return total;
  };
}

export function memoryReader(metric: Metric): MemoryReader {
  return metric === 'rss' ? rssReader() : heapReader();
}
