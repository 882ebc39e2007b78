/**
 * The profiler inside the profiled program: the registry of profiled functions, their frames, the
 * `hog run` markers and the --break-above heap snapshot. One runtime per thread, reachable from
 * instrumented code (and from any copy of hog's `profile`, ESM or CommonJS) as
 * globalThis[Symbol.for('hog.profiler')].
 */
import { join } from 'node:path';
import v8 from 'node:v8';
import { threadId } from 'node:worker_threads';
import { formatBytes } from '../render/units.js';
import { compensate, configureProbe, Frame, runningFrames, warmUpProbes } from './frame.js';
import { FunctionRecord, type FunctionResult, type ProfileMode } from './functionRecord.js';
import { MAX_MARKERS_PER_FUNCTION, type MarkerWriter } from './markers.js';
import type { MemoryReader, Metric } from './probe.js';

export const RUNTIME_KEY = Symbol.for('hog.profiler');

export interface SnapshotNote {
  path: string;
  function: string;
  file: string;
  line: number;
  bytes: number;
  threshold: number;
}

export interface ThreadResults {
  pid: number;
  threadId: number;
  metric: Metric;
  describes: string;
  /** The metric when the profiler started, before the program's first module: what Node.js and hog hold. */
  baseline: number;
  functions: FunctionResult[];
  snapshots: SnapshotNote[];
}

export interface RuntimeOptions {
  reader: MemoryReader;
  /** Write a heap snapshot the first time a profiled function's memory goes above this (bytes). */
  breakAbove?: number | undefined;
  /** Where snapshots go (default: the working directory, as v8.writeHeapSnapshot does). */
  snapshotDir?: string | undefined;
  markers?: MarkerWriter | undefined;
  /** How to tell the user something right away (a snapshot was written). */
  notify?: (message: string) => void;
  /**
   * Run when a profiled call starts and no other is in progress, and when a profiled call resumes
   * after an await: moments when no profiled line is running (see begin()).
   */
  betweenLines?: (() => void) | undefined;
}

export class ProfilerRuntime {
  private readonly byFile = new Map<string, Map<number, FunctionRecord>>();
  readonly snapshots: SnapshotNote[] = [];
  private snapshotTaken = false;
  /** options.betweenLines, once the probes are warm. */
  private betweenLines: (() => void) | undefined;
  /** options.breakAbove, once the probes are warm; infinite after the snapshot. */
  private breakAbove = Number.POSITIVE_INFINITY;
  private readonly baseline: number;

  constructor(private readonly options: RuntimeOptions) {
    this.baseline = options.reader.read();
    configureProbe({
      read: options.reader.read,
      breakAbove: Number.POSITIVE_INFINITY,
      breach: (fn, line, bytes) => this.breach(fn, line, bytes),
      left: (fn) => this.left(fn),
    });
    const warmUp = new FunctionRecord('(hog warm-up)', 1, 4, 1, '(hog warm-up)', 'line');
    warmUp.markers = MAX_MARKERS_PER_FUNCTION; // no markers for it
    warmUpProbes(warmUp, (fn, lineMode) => this.begin(fn, lineMode));
    configureProbe({
      breakAbove: options.breakAbove ?? Number.POSITIVE_INFINITY,
      resumed: options.betweenLines ?? (() => {}),
    });
    this.betweenLines = options.betweenLines;
    this.breakAbove = options.breakAbove ?? Number.POSITIVE_INFINITY;
  }

  get metric(): Metric {
    return this.options.reader.metric;
  }

  /** Called by instrumented code on entry to a profiled function. */
  enter(path: string, startLine: number, endLine: number, headerLine: number, name: string): Frame {
    return this.begin(this.record(path, startLine, endLine, headerLine, name, 'line'), true);
  }

  /** The record of one function, created on first use. */
  record(
    path: string,
    startLine: number,
    endLine: number,
    headerLine: number,
    name: string,
    mode: ProfileMode,
  ): FunctionRecord {
    let byLine = this.byFile.get(path);
    if (byLine === undefined) {
      byLine = new Map();
      this.byFile.set(path, byLine);
    }
    let fn = byLine.get(headerLine);
    if (fn === undefined) {
      fn = new FunctionRecord(path, startLine, endLine, headerLine, name, mode);
      byLine.set(headerLine, fn);
    }
    return fn;
  }

  /**
   * Start an activation; `lineMode` false measures the whole call as one (the `profile()` wrapper).
   * When no profiled call is on the stack, `betweenLines` runs first (register.ts collects young
   * garbage left by earlier code there).
   */
  begin(fn: FunctionRecord, lineMode: boolean): Frame {
    if (runningFrames() === 0) this.betweenLines?.();
    if (fn.depth++ === 0 && this.options.markers && fn.markers < MAX_MARKERS_PER_FUNCTION) {
      fn.marking = true;
      fn.markers++;
      this.options.markers.write('enter', fn.name);
    }
    fn.calls++;
    const frame = Frame.acquire(fn, lineMode);
    const m = frame.start();
    if (m > (fn.entry[0] as number)) fn.entry[0] = m;
    if (m > this.breakAbove) this.breach(fn, fn.headerLine, m);
    return frame;
  }

  private left(fn: FunctionRecord): void {
    if (fn.depth === 0 && fn.marking && this.options.markers) {
      fn.marking = false;
      fn.markers++;
      this.options.markers.write('exit', fn.name);
    }
  }

  /**
   * --break-above: the first time memory measured in a profiled function exceeds the threshold, write
   * a heap snapshot (memory_profiler's --pdb-mmem stops in the debugger instead). Writing it collects
   * garbage; the readings are kept continuous so that no line is charged with that drop.
   */
  private breach(fn: FunctionRecord, line: number, bytes: number): void {
    if (this.snapshotTaken) return;
    this.snapshotTaken = true;
    this.breakAbove = Number.POSITIVE_INFINITY;
    configureProbe({ breakAbove: Number.POSITIVE_INFINITY });
    const threshold = this.options.breakAbove ?? 0;
    const safeName = fn.name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60) || 'anonymous';
    const file = join(
      this.options.snapshotDir ?? process.cwd(),
      `hog-profile-${process.pid}-${safeName}-line${line}.heapsnapshot`,
    );
    const before = this.options.reader.read();
    let path: string;
    try {
      path = v8.writeHeapSnapshot(file);
    } catch (error) {
      this.notify(`hog: --break-above: cannot write a heap snapshot to ${file}: ${(error as Error).message}`);
      return;
    }
    compensate(before, this.options.reader.read());
    const note: SnapshotNote = { path, function: fn.name, file: fn.path, line, bytes, threshold };
    this.snapshots.push(note);
    this.notify(
      `hog: ${fn.name} (${fn.path}:${line}) reached ${formatBytes(bytes)} ${this.metric}, above --break-above ${formatBytes(threshold)}: heap snapshot written to ${path}`,
    );
  }

  private notify(message: string): void {
    (this.options.notify ?? ((m: string) => process.stderr.write(`${m}\n`)))(message);
  }

  results(): ThreadResults {
    const functions: FunctionResult[] = [];
    for (const byLine of this.byFile.values())
      for (const fn of byLine.values()) functions.push(fn.toResult());
    return {
      pid: process.pid,
      threadId,
      metric: this.metric,
      describes: this.options.reader.describes,
      baseline: this.baseline,
      functions,
      snapshots: this.snapshots,
    };
  }

  /** Flush and close what the runtime holds (markers, the probe's file descriptor). */
  close(): void {
    this.options.markers?.close();
    this.options.reader.close();
  }
}

export function activeRuntime(): ProfilerRuntime | undefined {
  return (globalThis as Record<symbol, unknown>)[RUNTIME_KEY] as ProfilerRuntime | undefined;
}

export function installRuntime(runtime: ProfilerRuntime): void {
  (globalThis as Record<symbol, unknown>)[RUNTIME_KEY] = runtime;
}
