/**
 * Where a recording session keeps its run: the recorder's sink plus what the session asks of the place
 * that holds the run (its number, what is still buffered, the recording read back). memory/ owns this
 * interface so that it knows nothing of the store; store/storeSink.ts implements it on SQLite and the
 * CLI wires the two (cli/recordOptions.ts).
 */
import type { RecorderSink } from './recorder.js';
import type { Recording, RunInfo } from './recording.js';

/** The run row as the session describes it; the sink gives it its id. */
export type RunRecord = Omit<RunInfo, 'id'> & { options?: object };

export interface RunEnd {
  endedAt: number;
  exitCode?: number | undefined;
  exitSignal?: string | undefined;
}

/** What has not reached the store (yet). */
export interface Unwritten {
  run: boolean;
  samples: number;
  markers: number;
  notes: number;
  /** Rows dropped because the buffer was full while the store was locked. */
  dropped: number;
}

export interface RunSink extends RecorderSink {
  /** Where the run is kept, for messages ("not stored in PATH"). */
  readonly path: string;
  /** The run's id, once its row is written. */
  readonly id: number | undefined;
  /** Something is buffered that has not been written. */
  readonly pending: boolean;
  /** The store's id of a recorder series. */
  dbId(id: number): number | undefined;
  /** The live verdict of a recorder series (only the latest is kept until the flush). */
  verdict(id: number, verdict: unknown): void;
  /** The final verdict of a series loaded back from the store (by the store's id). */
  storedVerdict(dbId: number, verdict: unknown): void;
  endRun(end: RunEnd): void;
  /**
   * Write what is buffered. Returns false, keeping the buffer, while another writer holds the lock;
   * throws any other failure.
   */
  flush(): boolean;
  /**
   * Write what is buffered, retrying while another writer holds the lock, for up to `waitMs`. The
   * error that kept something out, if any; never throws.
   */
  flushWithin(waitMs: number): Error | undefined;
  unwritten(): Unwritten;
  /** The recording as stored (the run `id` names). */
  loadRun(runId: number): Recording;
}
