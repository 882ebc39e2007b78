/**
 * Function entry/exit markers for `hog run` (issue 3's contract): when HOG_MARKER_FILE is set, append
 * one JSON line per profiled function entry and exit,
 *
 *   {"t": <epoch ms>, "event": "enter"|"exit", "name": "<function name>", "pid": <pid>}
 *
 * which `hog run` reads to draw the spans on `hog plot`. Lines are buffered and written in batches
 * (a write per call would dominate a function called in a loop), flushed at least every 200 ms and
 * synchronously at exit, so a process.exit() loses nothing. A recursive or re-entered function is
 * marked once, from its outermost entry to its outermost exit; after MAX_MARKERS_PER_FUNCTION lines a
 * function is no longer marked (a plot cannot show more, and the file must not become the hog).
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export const MAX_MARKERS_PER_FUNCTION = 10_000;
const FLUSH_LINES = 256;
const FLUSH_MS = 200;

export type MarkerEvent = 'enter' | 'exit';

export interface Marker {
  t: number;
  event: MarkerEvent;
  name: string;
  pid: number;
}

export function markerLine(marker: Marker): string {
  return `${JSON.stringify({ t: marker.t, event: marker.event, name: marker.name, pid: marker.pid })}\n`;
}

export class MarkerWriter {
  private fd: number | undefined;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failed = false;

  constructor(
    readonly path: string,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
  ) {}

  write(event: MarkerEvent, name: string, t = Date.now()): void {
    if (this.failed) return;
    this.pending.push(markerLine({ t, event, name, pid: process.pid }));
    if (this.pending.length >= FLUSH_LINES) this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Write what is buffered, synchronously (also from an 'exit' handler). */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0 || this.failed) return;
    const text = this.pending.join('');
    this.pending = [];
    try {
      this.fd ??= openSync(this.path, 'a');
      writeSync(this.fd, text);
    } catch (error) {
      this.failed = true;
      this.warn(
        `hog: cannot write function markers to HOG_MARKER_FILE=${this.path}: ${(error as Error).message}; markers are off`,
      );
    }
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The writer for this process when `hog run` asked for markers, else undefined. */
export function markerWriterFromEnv(env: NodeJS.ProcessEnv = process.env): MarkerWriter | undefined {
  const path = env.HOG_MARKER_FILE;
  return path ? new MarkerWriter(path) : undefined;
}
