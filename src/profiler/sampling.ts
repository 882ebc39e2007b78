/**
 * Allocation sampling over the whole program (`hog profile --sample`), inside the profiled program:
 * V8's sampling heap profiler through an in-process inspector session (no port, no network). V8 takes
 * one sample per `interval` bytes allocated on average (Poisson), records the allocating stack, and
 * scales each sample to estimate all allocations of that size. Without churn the profile holds only
 * sampled objects still alive when sampling stops; with churn (includeObjectsCollectedByMajorGC/MinorGC)
 * it also keeps those already collected, i.e. everything allocated.
 *
 * Inspector frames give each function's position in the code that ran; with --enable-source-maps
 * Node.js keeps every module's map, so positions are mapped back to the original .ts lines here.
 */
import { Session } from 'node:inspector';
import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { SampleConfig } from './childConfig.js';

/** A call-tree node of the sampled allocations, with its original source position. */
export interface SampleNode {
  name: string;
  /** Absolute path (or node:internal/... for Node's own code); '' for native code and V8 builtins. */
  file: string;
  /** 1-based line of the function in the original source; 0 when unknown. */
  line: number;
  /** Estimated bytes allocated directly in this function (not in its callees). */
  self: number;
  children: SampleNode[];
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** hog's own compiled files. */
const HOG_DIST = new URL('..', import.meta.url).href;

export class AllocationSampler {
  private readonly session = new Session();
  private running = false;

  start(config: SampleConfig): void {
    this.session.connect();
    this.post('HeapProfiler.enable');
    this.post('HeapProfiler.startSampling', {
      samplingInterval: config.interval,
      includeObjectsCollectedByMajorGC: config.churn,
      includeObjectsCollectedByMinorGC: config.churn,
    });
    this.running = true;
  }

  /** Stop and return the source-mapped call tree (synchronous: works in an 'exit' handler). */
  stop(): SampleNode | undefined {
    if (!this.running) return undefined;
    this.running = false;
    const result = this.post('HeapProfiler.stopSampling') as { profile?: { head: ProfileNode } } | undefined;
    this.session.disconnect();
    return result?.profile ? mapNode(result.profile.head) : undefined;
  }

  /** In-process sessions answer synchronously: the callback has run when post() returns. */
  private post(method: string, params?: object): unknown {
    let answer: unknown;
    let failure: Error | null = null;
    this.session.post(method, params ?? {}, (error, result) => {
      failure = error;
      answer = result;
    });
    if (failure) throw failure;
    return answer;
  }
}

/**
 * The call tree with original positions. What hog itself allocates (reading the profile, writing the
 * results) is left out: hog's frames, and Node.js/native frames called from them, are dropped, while a
 * program frame below a hog frame (a module run by hog's require hook) is kept.
 */
function mapNode(node: ProfileNode, underHog = false): SampleNode | undefined {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  const own = url.startsWith(HOG_DIST);
  const program = url !== '' && !url.startsWith('node:') && !own;
  const dropped = own || (underHog && !program);
  const children = node.children
    .map((child) => mapNode(child, dropped))
    .filter((child): child is SampleNode => child !== undefined);
  if (dropped) {
    // hog's own frame: keep the program frames below it, attached to its parent
    return children.length === 0 ? undefined : { name: '(hog)', file: '', line: 0, self: 0, children };
  }
  let file = toPath(url);
  let line = lineNumber < 0 ? 0 : lineNumber + 1;
  if (url !== '' && lineNumber >= 0) {
    const original = originalPosition(url, lineNumber, columnNumber);
    if (original) ({ file, line } = original);
  }
  return {
    name: functionName || (url === '' ? '(native)' : '(anonymous)'),
    file,
    line,
    self: node.selfSize,
    children,
  };
}

function toPath(url: string): string {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return url;
    }
  }
  return url;
}

function originalPosition(
  url: string,
  line: number,
  column: number,
): { file: string; line: number } | undefined {
  try {
    const map = findSourceMap(url);
    if (!map) return undefined;
    const entry = map.findEntry(line, column) as { originalSource?: string; originalLine?: number };
    if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
    return { file: toPath(entry.originalSource), line: entry.originalLine + 1 };
  } catch {
    return undefined;
  }
}
