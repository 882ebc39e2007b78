/**
 * Function entry/exit markers, the contract between `hog run` and any profiler (hog's line profiler,
 * issue 4, or your own code):
 *
 *   `hog run` sets HOG_MARKER_FILE=<absolute path> in the environment of the command it runs. Any
 *   process may append JSON lines to that file, one event per line:
 *     {"t": <epoch ms>, "event": "enter" | "exit", "name": "<function name>", "pid": <pid>}
 *   hog ingests them into the store's markers table whenever it flushes (about once a second) and at
 *   the end, and `hog plot` draws them as function entry/exit markers, like mprof's FUNC brackets.
 *   Append whole lines (one write per line, O_APPEND) so lines from several processes never mix.
 *   Lines that do not follow the contract are skipped and counted.
 */
import type { Marker } from './recording.js';

export const MARKER_FILE_ENV = 'HOG_MARKER_FILE';

/** One contract line, or undefined when it does not follow the contract. */
export function parseMarker(value: Record<string, unknown>): Marker | undefined {
  const { t, event, name, pid } = value;
  if (typeof t !== 'number' || !Number.isFinite(t)) return undefined;
  if (event !== 'enter' && event !== 'exit') return undefined;
  if (typeof name !== 'string' || name === '') return undefined;
  if (pid !== undefined && (typeof pid !== 'number' || !Number.isInteger(pid))) return undefined;
  return { t, event, name, pid: pid as number | undefined };
}

/** A function's entries and exits paired in order (per name and PID), as spans to draw. */
export interface MarkerSpan {
  name: string;
  pid?: number | undefined;
  start: number;
  /** Undefined when the function had not returned when recording stopped. */
  end?: number | undefined;
}

export function pairMarkers(markers: readonly Marker[]): MarkerSpan[] {
  const open = new Map<string, MarkerSpan[]>();
  const spans: MarkerSpan[] = [];
  for (const m of [...markers].sort((a, b) => a.t - b.t)) {
    const key = `${m.pid ?? ''}\0${m.name}`;
    if (m.event === 'enter') {
      const span: MarkerSpan = { name: m.name, pid: m.pid, start: m.t };
      spans.push(span);
      const stack = open.get(key);
      if (stack) stack.push(span);
      else open.set(key, [span]);
    } else {
      const span = open.get(key)?.pop();
      if (span) span.end = m.t;
      else spans.push({ name: m.name, pid: m.pid, start: m.t, end: m.t });
    }
  }
  return spans;
}
