/**
 * The in-memory histories of a live recording (RSS, and the V8 heap with --heap), which its live
 * verdicts judge, kept to a bounded length however long the recording runs.
 */
import type { Sample } from './envelope.js';

/** Live verdicts need no more points than this: beyond it, the history is halved (see compactHistory). */
export const MAX_HISTORY = 4096;

/**
 * Halve a history by keeping the lower sample of each pair: the lower envelope, which is what the
 * verdict fits, survives; memory and the cost of judging stay bounded however long the recording.
 * The store keeps every sample.
 */
export function compactHistory(history: readonly Sample[]): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < history.length; i += 2) {
    const a = history[i] as Sample;
    const b = history[i + 1];
    out.push(b !== undefined && b.bytes < a.bytes ? b : a);
  }
  return out;
}

/** `history` with `sample` appended, halved once it grows past MAX_HISTORY. */
export function appendToHistory(history: Sample[], sample: Sample): Sample[] {
  history.push(sample);
  return history.length > MAX_HISTORY ? compactHistory(history) : history;
}
