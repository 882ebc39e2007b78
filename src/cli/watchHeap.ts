/**
 * `hog watch --heap`: the V8 heap of Node.js targets, read through an inspector opened and closed for
 * each reading, beside their RSS.
 */
import { errnoCode, isHogError } from '../errors.js';
import { type HeapReading, readNodeHeap } from '../inspector/heapReading.js';
import { parseHeapReport } from '../memory/nodeHeap.js';
import type { TargetState } from '../memory/recorder.js';
import type { RecordingSession } from '../memory/recordingSession.js';
import { terminalText } from '../render/terminalText.js';
import type { CliContext } from './context.js';
import { inspectorWatchdog } from './inspectorWatchdog.js';

/** Seconds between heap readings at least, when each opens the inspector with SIGUSR1. */
export const HEAP_READING_MIN_S = 2;

/** The options of hog watch that --heap reads. */
interface HeapFlags {
  interval: number;
  force?: boolean;
  json?: boolean;
}

/**
 * --heap: read each Node.js target's heap at the sampling interval until `signal` aborts, each reading
 * one round trip through an inspector opened and closed for it (src/inspector/heapReading.ts). Targets
 * are read one after the other, never at once: their inspectors would all open on port 9229. A target
 * whose first reading fails (not Node.js, a SIGUSR1 handler hog cannot rule out, a port taken...) is
 * recorded without its heap, with a note saying why; its heap series ends when it exits.
 */
export async function recordNodeHeaps(
  session: RecordingSession,
  procRoot: string,
  flags: HeapFlags,
  context: CliContext,
  signal: AbortSignal,
): Promise<{ done: Promise<void> }> {
  const record = (reading: HeapReading) => {
    const report = reading.usage && parseHeapReport({ ...reading.usage });
    if (report && !signal.aborted) session.recorder.heap([report]);
  };
  const readable: TargetState[] = [];
  let signalled = false;
  for (const state of session.recorder.targets) {
    const first = await firstHeapReading(state, session, procRoot, flags, context);
    if (first === undefined) continue;
    record(first);
    readable.push(state);
    signalled ||= first.openedByHog;
  }
  const everyMs = 1000 * (signalled ? Math.max(HEAP_READING_MIN_S, flags.interval) : flags.interval);
  return { done: pollHeaps(readable, everyMs, record, procRoot, flags, context.clock, signal) };
}

/**
 * A target's first heap reading, and a note in the run (and on the terminal) of how its inspector was
 * reached, or why it could not be: then undefined, and the target is recorded without its heap.
 */
async function firstHeapReading(
  state: TargetState,
  session: RecordingSession,
  procRoot: string,
  flags: HeapFlags,
  context: CliContext,
): Promise<HeapReading | undefined> {
  const { output, clock } = context;
  const { pid, name } = state.target;
  let first: HeapReading;
  try {
    first = await readNodeHeap(pid, procRoot, { force: flags.force, watchdog: inspectorWatchdog });
  } catch (error) {
    const hint = isHogError(error) && error.hint ? ` (${error.hint})` : '';
    const text = `no V8 heap for PID ${pid} (${name}): ${(error as Error).message}${hint}`;
    session.recorder.note({ t: clock.now(), kind: 'heap', text, seriesId: state.main.id });
    if (!flags.json) output.error(`hog watch: ${terminalText(text)}`);
    return undefined;
  }
  const how = first.openedByHog ? 'opened with SIGUSR1 for each reading' : 'already open';
  session.recorder.note({
    t: clock.now(),
    kind: 'heap',
    text: `V8 heap of PID ${pid} (${name}) read through its inspector on 127.0.0.1:${first.port} (${how})`,
    seriesId: state.main.id,
  });
  if (!flags.json)
    output.line(
      `hog watch: PID ${pid} (${terminalText(name)}): V8 heap through the inspector on 127.0.0.1:${first.port} (${how})`,
    );
  return first;
}

/** Read the readable targets' heaps every `everyMs`, one after the other, until `signal` aborts. */
async function pollHeaps(
  readable: TargetState[],
  everyMs: number,
  record: (reading: HeapReading) => void,
  procRoot: string,
  flags: HeapFlags,
  clock: CliContext['clock'],
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted && readable.length > 0) {
    await clock.sleep(everyMs, signal); // an abort ends the wait
    for (const state of [...readable]) {
      if (signal.aborted) return;
      try {
        record(
          await readNodeHeap(state.target.pid, procRoot, {
            force: flags.force,
            watchdog: inspectorWatchdog,
          }),
        );
      } catch {
        // gone: its heap series ends with the RSS one; otherwise only this reading is missing
        if (state.gone || !processExists(state.target.pid)) readable.splice(readable.indexOf(state), 1);
      }
    }
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}
