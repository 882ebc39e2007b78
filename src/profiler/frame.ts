/**
 * One activation of a profiled function. The instrumented code creates a Frame on entry and calls it
 * before every statement:
 *
 *   const __hogF = globalThis[Symbol.for('hog.profiler')].enter(path, start, end, header, name);
 *   try { __hogF.line(12); stmt; __hogF.line(13); stmt; ... } finally { __hogF.exit(); }
 *
 * `line(n)` reads memory, gives the change since the previous probe of this frame to the line that was
 * running, and starts the next one — memory_profiler's "line event", per call frame, so nested and
 * recursive calls each keep their own measurement. `suspend()` and `resumeAwait()` bracket an await,
 * `suspend()` and `resumeYield()` a yield: whatever other code allocates while this call is suspended
 * is not this line's doing. The calls are built in probeCalls.ts.
 * Nothing here allocates on the hot path: the counters are typed arrays, the probe reads a
 * preallocated buffer, and frames are reused.
 */
import type { FunctionRecord } from './functionRecord.js';

/** Hooks the runtime installs: the memory probe and what to do on entry, exit and a threshold breach. */
interface ProbeHooks {
  read: () => number;
  /** Before measuring again after an await (nothing of the program's is mid-line then). */
  resumed: () => void;
  breakAbove: number;
  breach: (fn: FunctionRecord, line: number, bytes: number) => void;
  left: (fn: FunctionRecord) => void;
}

const hooks: ProbeHooks = {
  read: () => 0,
  resumed: () => {},
  breakAbove: Number.POSITIVE_INFINITY,
  breach: () => {},
  left: () => {},
};

/** Added to every reading after hog itself changed memory (a heap snapshot collects garbage). */
let bias = 0;

function read(): number {
  return hooks.read() + bias;
}

export function configureProbe(options: Partial<ProbeHooks>): void {
  Object.assign(hooks, options);
}

/** Keep readings continuous across a change hog caused itself: `before` and `after` are raw readings. */
export function compensate(before: number, after: number): void {
  bias += before - after;
}

/** Profiled calls on the stack now (not suspended at an await or a yield). */
let running = 0;

export function runningFrames(): number {
  return running;
}

/** Finished frames, reused: a profiled call allocates nothing of hog's (which its caller's line would count). */
const pool: Frame[] = [];
const POOL_SIZE = 256;

export class Frame {
  private fn: FunctionRecord;
  /** Index (line - fn.startLine) of the line running now. */
  private at = 0;
  /** [0]: the memory when the running line started (a typed array: a double in a field would allocate). */
  private readonly mem = new Float64Array(1);
  /** The next probe starts measuring afresh (at entry in line mode, after an await or a yield). */
  private fresh = false;
  /** Suspended at an await or a yield (not counted in `running`). */
  private away = false;
  /**
   * Index of a `for (;;)` header that stepped (step()) since the last reading, else -1: the next reading
   * is the memory when that header finished, its Mem usage (memory_profiler: highest over its runs).
   */
  private stepped = -1;

  constructor(fn: FunctionRecord, lineMode: boolean) {
    this.fn = fn;
    this.reset(fn, lineMode);
  }

  /** A frame for a new call of `fn`: from the pool when one is free. */
  static acquire(fn: FunctionRecord, lineMode: boolean): Frame {
    const frame = pool.pop();
    if (frame === undefined) return new Frame(fn, lineMode);
    frame.reset(fn, lineMode);
    return frame;
  }

  private reset(fn: FunctionRecord, lineMode: boolean): void {
    this.fn = fn;
    this.at = fn.headerLine - fn.startLine;
    // in line mode the first probe starts the first line; in function mode the whole call is the header line's
    this.fresh = lineMode;
    this.away = false;
    this.stepped = -1;
  }

  /** Entry: the memory now, from which the call is measured. */
  start(): number {
    running++;
    const m = read();
    this.mem[0] = m;
    return m;
  }

  /** Probe before a statement (or a loop's next iteration) on `line`. */
  line(line: number): void {
    if (this.away) this.back();
    const m = read();
    const fn = this.fn;
    if (this.fresh) {
      this.fresh = false;
    } else {
      const i = this.at;
      fn.increments[i] = (fn.increments[i] as number) + (m - (this.mem[0] as number));
      if (m > (fn.peaks[i] as number)) fn.peaks[i] = m;
    }
    if (this.stepped >= 0) this.headerDone(m);
    const j = line - fn.startLine;
    fn.occurrences[j] = (fn.occurrences[j] as number) + 1;
    this.at = j;
    this.mem[0] = m;
    if (m > hooks.breakAbove) hooks.breach(fn, line, m);
  }

  private headerDone(m: number): void {
    const peaks = this.fn.peaks;
    if (m > (peaks[this.stepped] as number)) peaks[this.stepped] = m;
    this.stepped = -1;
  }

  /**
   * Count one more run of `line` without measuring: a `for (;;)` header's next step (`i++; i < n`)
   * almost never allocates, and skipping its reading halves the cost of a tight loop. Whatever it
   * does allocate is counted with the loop body's last line.
   */
  step(line: number): void {
    const fn = this.fn;
    const j = line - fn.startLine;
    fn.occurrences[j] = (fn.occurrences[j] as number) + 1;
    this.stepped = j;
  }

  /** Before suspending at await/yield: close the running line. Returns its argument (the awaited value). */
  suspend<T>(value?: T): T | undefined {
    this.close();
    this.fresh = true;
    this.away = true;
    running--;
    return value;
  }

  /** After resuming from yield: measure the rest of the line from here. */
  resumeYield<T>(value: T): T {
    if (this.away) this.back();
    this.mem[0] = read();
    this.fresh = false;
    return value;
  }

  /**
   * After resuming from await. The stack below is the event loop's, so no profiled line is running:
   * the runtime may collect young garbage other code left meanwhile (see runtime.begin).
   */
  resumeAwait<T>(value: T): T {
    if (this.away) this.back();
    if (running === 1) hooks.resumed();
    this.mem[0] = read();
    this.fresh = false;
    return value;
  }

  /** Function exit (return, throw or end of the body). */
  exit(): void {
    if (this.away) this.back();
    this.close();
    running--;
    const fn = this.fn;
    fn.depth--;
    hooks.left(fn);
    if (pool.length < POOL_SIZE) pool.push(this);
  }

  /** Running again after a suspension (resumed, or an exception thrown at the await). */
  private back(): void {
    this.away = false;
    running++;
  }

  private close(): void {
    if (this.fresh) return;
    const m = read();
    if (this.stepped >= 0) this.headerDone(m);
    const fn = this.fn;
    const i = this.at;
    fn.increments[i] = (fn.increments[i] as number) + (m - (this.mem[0] as number));
    if (m > (fn.peaks[i] as number)) fn.peaks[i] = m;
    this.mem[0] = m;
    if (m > hooks.breakAbove) hooks.breach(fn, fn.startLine + i, m);
  }

  /**
   * `for (x of iterable)` on `line`: the loop's header is reached once more for every further step
   * (n + 1 times for n items, as memory_profiler counts a `for` line), and what fetching the next item
   * allocates (a generator running) is the header line's. Arrays and typed arrays are walked by index,
   * as their own iterator would, so profiling adds no iterator-result objects of its own.
   */
  forOf<T>(line: number, iterable: Iterable<T>): Iterable<T> {
    if (isPlainIndexed(iterable)) return new IndexedWalk(this, line, iterable as unknown as ArrayLike<T>);
    return new IteratorWalk(this, line, iterable[Symbol.iterator]());
  }

  /** `for await (x of iterable)`: as forOf(), and each step suspends the frame while it awaits. */
  forAwaitOf<T>(line: number, iterable: AsyncIterable<T> | Iterable<T>): AsyncIterable<T> {
    return new AsyncIteratorWalk(this, line, iterable);
  }
}

/**
 * Run the probes until V8 has optimised them. Unoptimised (interpreted) code boxes every double it
 * reads from a Float64Array into a new 16-byte heap number, so a cold probe allocates ~180 bytes per
 * line run, which the next reading would charge to the user's line; optimised code keeps the numbers
 * unboxed and allocates nothing. `begin` is the runtime's entry (warmed too: it runs once per call). Warm-up stops when three batches in a row allocate nothing (or after
 * 250 ms), and runs before any threshold is set.
 */
export function warmUpProbes(
  fn: FunctionRecord,
  begin: (fn: FunctionRecord, lineMode: boolean) => Frame,
): void {
  const deadline = performance.now() + 250;
  // both kinds of frame, every method, as often as each other
  let clean = 0;
  while (clean < 3 && performance.now() < deadline) {
    const before = read();
    for (let i = 0; i < 256; i++) {
      const frame = begin(fn, (i & 1) === 0);
      frame.line(fn.startLine + 1 + (i % 3));
      frame.step(fn.startLine + 2);
      frame.line(fn.startLine + 1);
      frame.resumeYield(frame.suspend(i));
      frame.resumeAwait(frame.suspend(i));
      frame.exit();
    }
    const allocated = read() - before;
    if (allocated === 0) clean++;
    else if (allocated > 0) clean = 0; // below 0: a collection ran; inconclusive
  }
}

const arrayValues = Array.prototype[Symbol.iterator];
const typedArrayValues = Object.getPrototypeOf(Uint8Array.prototype)[Symbol.iterator];

function isPlainIndexed(value: unknown): boolean {
  if (Array.isArray(value)) return value[Symbol.iterator] === arrayValues;
  return (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    (value as unknown as Iterable<unknown>)[Symbol.iterator] === typedArrayValues
  );
}

/** One result object per loop, reused: for...of reads `done` and `value` at once. */
interface Step<T> {
  done: boolean;
  value: T | undefined;
}

class IndexedWalk<T> implements Iterable<T>, Iterator<T> {
  private index = 0;
  private started = false;
  private readonly step: Step<T> = { done: false, value: undefined };

  constructor(
    private readonly frame: Frame,
    private readonly line: number,
    private readonly items: ArrayLike<T>,
  ) {}

  [Symbol.iterator](): Iterator<T> {
    return this;
  }

  next(): IteratorResult<T> {
    if (this.started) this.frame.line(this.line);
    else this.started = true;
    const step = this.step;
    if (this.index < this.items.length) {
      step.value = this.items[this.index++];
      step.done = false;
    } else {
      step.value = undefined;
      step.done = true;
    }
    return step as IteratorResult<T>;
  }
}

class IteratorWalk<T> implements Iterable<T>, Iterator<T> {
  private started = false;

  constructor(
    private readonly frame: Frame,
    private readonly line: number,
    private readonly inner: Iterator<T>,
  ) {}

  [Symbol.iterator](): Iterator<T> {
    return this;
  }

  next(): IteratorResult<T> {
    if (this.started) this.frame.line(this.line);
    else this.started = true;
    return this.inner.next();
  }

  /** `break`, `return` or a throw in the loop body closes the source (a generator's finally runs). */
  return(value?: unknown): IteratorResult<T> {
    return this.inner.return ? this.inner.return(value) : { done: true, value: value as T };
  }
}

class AsyncIteratorWalk<T> implements AsyncIterable<T>, AsyncIterator<T> {
  private started = false;
  private readonly inner: AsyncIterator<T> | Iterator<T>;
  private readonly sync: boolean;

  constructor(
    private readonly frame: Frame,
    private readonly line: number,
    source: AsyncIterable<T> | Iterable<T>,
  ) {
    const asyncIterator = (source as AsyncIterable<T>)[Symbol.asyncIterator];
    this.sync = typeof asyncIterator !== 'function';
    this.inner = this.sync
      ? (source as Iterable<T>)[Symbol.iterator]()
      : (asyncIterator as () => AsyncIterator<T>).call(source);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.started) this.frame.line(this.line);
    else this.started = true;
    const result = this.inner.next();
    this.frame.suspend();
    if (!this.sync) return result as Promise<IteratorResult<T>>;
    // a sync iterable in for await: its values are awaited, as the language's async-from-sync iterator does
    const step = result as IteratorResult<T>;
    return step.done ? step : { done: false, value: await step.value };
  }

  async return(value?: unknown): Promise<IteratorResult<T>> {
    const inner = this.inner as AsyncIterator<T>;
    return inner.return ? inner.return(value) : { done: true, value: value as T };
  }
}
