/**
 * What the profiler keeps per profiled function while the program runs, and the plain values it hands
 * to `hog profile` when the program exits (written as JSON by the child, read by the CLI).
 *
 * Per line of the function (memory_profiler's columns):
 *   Occurrences  how many times execution reached the line
 *   Increment    the memory change while the line ran (from its probe to the next probe of the same
 *                call), summed over its runs; time spent suspended at await/yield is left out
 *   Mem usage    the highest memory measured when the line finished
 */

export type ProfileMode = 'line' | 'function';

export interface FunctionIdentity {
  name: string;
  /** The original source file (the .ts file, or the source a source map points to). */
  path: string;
  /** First line of the table: the decorator or `// @profile` comment, else the function's first line. */
  startLine: number;
  /** The line with the function's name/signature: its row shows the memory at entry and the calls. */
  headerLine: number;
  endLine: number;
}

export interface LineStat {
  line: number;
  occurrences: number;
  increment: number;
  /** Highest memory at the end of the line; null when the line never finished (it threw or is suspended). */
  memUsage: number | null;
}

export interface FunctionResult extends FunctionIdentity {
  mode: ProfileMode;
  calls: number;
  /** Highest memory measured at entry. */
  entryPeak: number | null;
  lines: LineStat[];
}

export class FunctionRecord implements FunctionIdentity {
  calls = 0;
  /** Activations in progress (recursion, concurrent async calls). */
  depth = 0;
  /** Marker lines written for this function (see markers.ts), and whether its outermost call is marked. */
  markers = 0;
  marking = false;
  /** [0]: highest memory at entry. Numbers live in typed arrays: storing a double in a plain field allocates. */
  readonly entry = new Float64Array([Number.NEGATIVE_INFINITY]);
  readonly occurrences: Float64Array;
  readonly increments: Float64Array;
  readonly peaks: Float64Array;

  constructor(
    readonly path: string,
    readonly startLine: number,
    readonly endLine: number,
    readonly headerLine: number,
    readonly name: string,
    readonly mode: ProfileMode,
  ) {
    const size = Math.max(1, endLine - startLine + 1);
    this.occurrences = new Float64Array(size);
    this.increments = new Float64Array(size);
    this.peaks = new Float64Array(size).fill(Number.NEGATIVE_INFINITY);
  }

  toResult(): FunctionResult {
    const lines: LineStat[] = [];
    for (let i = 0; i < this.occurrences.length; i++) {
      const occurrences = this.occurrences[i] as number;
      const peak = this.peaks[i] as number;
      // a line that ran, or (function mode) the header line that holds the whole calls
      if (occurrences === 0 && !Number.isFinite(peak)) continue;
      lines.push({
        line: this.startLine + i,
        occurrences,
        increment: this.increments[i] as number,
        memUsage: Number.isFinite(peak) ? peak : null,
      });
    }
    return {
      name: this.name,
      path: this.path,
      startLine: this.startLine,
      headerLine: this.headerLine,
      endLine: this.endLine,
      mode: this.mode,
      calls: this.calls,
      entryPeak: Number.isFinite(this.entry[0]) ? (this.entry[0] as number) : null,
      lines,
    };
  }
}
