/**
 * One recording, from the run's row to the final verdicts: what `hog run` and `hog watch` share.
 * It opens the run in its sink (and the mprof file) before anything starts, so a bad path fails early;
 * prepares the marker file and the Node.js heap preload; ingests what targets append to them; judges
 * the series (live and at the end) and stores each verdict with its series. Everything for the store
 * goes through the run's sink (runSink.ts; the store implements it in store/storeSink.ts), which keeps
 * it while another writer holds the lock: a store that is busy, full or failing never ends the
 * recording early nor keeps `hog run`'s command from running.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import { errnoCode, isDiskFull, PermissionError, UsageError } from '../errors.js';
import { forecast } from './forecast.js';
import { JsonLinesTail } from './jsonLinesTail.js';
import { readLimits } from './limits.js';
import { MARKER_FILE_ENV, parseMarker } from './markers.js';
import { MprofWriter } from './mprofWriter.js';
import {
  HEAP_FILE_ENV,
  HEAP_INTERVAL_ENV,
  HEAP_PRELOAD_SOURCE,
  MIN_HEAP_INTERVAL_MS,
  parseHeapReport,
  withPreload,
} from './nodeHeap.js';
import type { MemoryWanted } from './processMemory.js';
import { Recorder, type RecorderSink, type TargetState } from './recorder.js';
import { type NameChange, type Recording, type RunKind, seriesLabel } from './recording.js';
import type { RunRecord, RunSink } from './runSink.js';
import { judgeMemory } from './verdictHeap.js';
import { type VerdictReport, verdictReport } from './verdictReport.js';

/** How the recorded run ended: the command's exit code or signal (none for hog watch). */
interface RunEnd {
  exitCode?: number | undefined;
  exitSignal?: string | undefined;
}

/** How often an unchanged live verdict is written to the store again. */
export const STORE_VERDICT_MS = 10_000;

export interface SessionOptions {
  /** Where the run is kept (the store's sink, wired by the CLI), opened with the run's row. */
  openSink: (run: RunRecord) => RunSink;
  kind: RunKind;
  command: string;
  intervalMs: number;
  includeChildren: boolean;
  multiprocess: boolean;
  wanted: MemoryWanted;
  procRoot: string;
  clock: Clock;
  /** Write an mprof .dat file here as well. */
  mprofPath?: string | undefined;
  options?: object;
}

export interface SeriesVerdict {
  seriesId: number;
  label: string;
  pid?: number | undefined;
  role: string;
  verdict: VerdictReport;
  /** The names the process had, oldest first, when it exec'd another program while recorded. */
  names?: NameChange[] | undefined;
}

/** How long the end of a recording waits for a locked store before saying what was not stored. */
export const FINAL_WAIT_MS = 10_000;

export class RecordingSession {
  readonly recorder: Recorder;
  readonly runSink: RunSink;
  private readonly startedAt: number;
  private readonly mprof: MprofWriter | undefined;
  private tempDir: string | undefined;
  private markerTail: JsonLinesTail | undefined;
  private heapTail: JsonLinesTail | undefined;
  private unmatchedHeap = 0;
  /** The latest live verdict per target (by its main series id). */
  readonly live = new Map<number, VerdictReport>();

  constructor(private readonly options: SessionOptions) {
    let mprof: MprofWriter | undefined;
    if (options.mprofPath !== undefined) mprof = openMprof(options.mprofPath, options.command);
    this.mprof = mprof;
    this.startedAt = options.clock.now();
    this.runSink = options.openSink({
      kind: options.kind,
      command: options.command,
      host: hostname(),
      startedAt: this.startedAt,
      intervalMs: options.intervalMs,
      ...(options.options === undefined ? {} : { options: options.options }),
    });
    // the run row now, for its number; a locked store gets it at a later flush (the recording goes on)
    try {
      this.runSink.flush();
    } catch (error) {
      mprof?.close();
      throw error;
    }
    const sinks: RecorderSink[] = [this.runSink];
    if (mprof) sinks.push(mprof);
    this.recorder = new Recorder(
      {
        procRoot: options.procRoot,
        clock: options.clock,
        includeChildren: options.includeChildren,
        multiprocess: options.multiprocess,
        wanted: options.wanted,
      },
      sinks,
    );
  }

  /** The run's number in the store; undefined while the store has been locked since the start. */
  get runId(): number | undefined {
    return this.runSink.id;
  }

  /**
   * The environment for a command that `hog run` starts: HOG_MARKER_FILE for function markers, and
   * (unless `heap` is false) the Node.js heap preload in NODE_OPTIONS.
   */
  commandEnvironment(env: NodeJS.ProcessEnv, heap: boolean): NodeJS.ProcessEnv {
    this.tempDir = mkdtempSync(join(tmpdir(), `hog-run-${process.pid}-`));
    const markerPath = join(this.tempDir, 'markers.jsonl');
    writeFileSync(markerPath, '');
    this.markerTail = new JsonLinesTail(markerPath);
    const out: NodeJS.ProcessEnv = { ...env, [MARKER_FILE_ENV]: markerPath };
    if (heap) {
      const preload = join(this.tempDir, 'heap-preload.cjs');
      writeFileSync(preload, HEAP_PRELOAD_SOURCE);
      const heapPath = join(this.tempDir, 'heap.jsonl');
      this.heapTail = new JsonLinesTail(heapPath);
      out[HEAP_FILE_ENV] = heapPath;
      out[HEAP_INTERVAL_ENV] = String(Math.max(MIN_HEAP_INTERVAL_MS, this.options.intervalMs));
      out.NODE_OPTIONS = withPreload(env.NODE_OPTIONS, preload);
    }
    return out;
  }

  /** Take what targets appended to the marker and heap files since the last call. */
  ingest(final = false): void {
    if (this.markerTail) {
      const markers = this.markerTail.read(final).map(parseMarker);
      const good = markers.filter((m) => m !== undefined);
      this.markerTail.bad += markers.length - good.length;
      this.recorder.markers(good);
    }
    if (this.heapTail) {
      const reports = this.heapTail.read(final).map(parseHeapReport);
      const good = reports.filter((r) => r !== undefined);
      this.heapTail.bad += reports.length - good.length;
      this.unmatchedHeap += this.recorder.heap(good);
    }
  }

  /** Judge each live target on what was recorded so far. */
  judgeLive(): Map<TargetState, VerdictReport> {
    const now = this.options.clock.now();
    const out = new Map<TargetState, VerdictReport>();
    for (const state of this.recorder.targets) {
      const verdict = judgeMemory(state.history, state.heapHistory);
      const slope = verdict.class === 'leaking' ? (verdict.fit?.slopeBytesPerMinute ?? 0) : 0;
      const limits =
        verdict.class === 'leaking' && !state.gone ? readLimits(state.target.pid, this.options.procRoot) : {};
      const report = verdictReport(verdict, now, forecast(slope, limits));
      out.set(state, report);
      this.live.set(state.main.id, report);
    }
    return out;
  }

  private readonly stored = new Map<number, { cls: string; at: number }>();

  /**
   * Store the live verdicts with their series, so the doctor sees a recording in progress: when a
   * verdict changes class, else every STORE_VERDICT_MS (each store is a write of its own).
   */
  storeLiveVerdicts(): void {
    const now = this.options.clock.monotonic();
    for (const [id, report] of this.live) {
      const last = this.stored.get(id);
      if (last && last.cls === report.class && now - last.at < STORE_VERDICT_MS) continue;
      this.runSink.verdict(id, report);
      this.stored.set(id, { cls: report.class, at: now });
    }
  }

  /** Notes about skipped lines, for the end of the run. */
  problems(): string[] {
    const out: string[] = [];
    if (this.markerTail && this.markerTail.bad > 0) {
      out.push(
        `${this.markerTail.bad} line(s) in ${MARKER_FILE_ENV} did not follow the marker contract and were skipped`,
      );
    }
    if (this.heapTail && this.heapTail.bad > 0)
      out.push(`${this.heapTail.bad} heap report line(s) were not readable`);
    return out;
  }

  /**
   * End the run: store its end, judge every series on what the store holds, keep the verdicts, close
   * the files. Never throws for the store: a store that stays locked (FINAL_WAIT_MS), fills up or fails
   * leaves the summary to what was stored, or to what is in memory, and `unstored` says what is missing.
   */
  finish(end: RunEnd & { reason?: string }): {
    recording: Recording;
    verdicts: SeriesVerdict[];
    unstored?: string | undefined;
  } {
    const now = this.options.clock.now();
    const closed = this.closeRun(now, end);
    let failure = closed.failure;
    let recording: Recording | undefined;
    const runId = this.runId;
    if (runId !== undefined) {
      try {
        recording = this.runSink.loadRun(runId);
      } catch (error) {
        failure ??= error as Error;
      }
    }
    const fromStore = recording !== undefined;
    recording ??= this.inMemory(now, end);
    if (recording.run.endedAt === undefined) recording.run.endedAt = now;
    const verdicts = this.judgeAll(recording, now, fromStore);
    if (fromStore && !failure) failure = this.runSink.flushWithin(FINAL_WAIT_MS);
    if ((failure && isDiskFull(failure)) || closed.mprofFailed) {
      recording.notes.push({
        t: now,
        kind: 'disk-full',
        text: 'the disk filled up: the end of the recording could not be stored',
      });
    }
    return { recording, verdicts, unstored: this.unstored(failure) };
  }

  /**
   * The end of the run into the sink (its notes, every series ended, the run's row), flushed within
   * FINAL_WAIT_MS; then the recorder, the mprof file and the temporary directory closed, whatever the
   * flush did.
   */
  private closeRun(
    now: number,
    end: RunEnd & { reason?: string },
  ): { failure: Error | undefined; mprofFailed: boolean } {
    for (const problem of this.problems()) this.recorder.note({ t: now, kind: 'skipped', text: problem });
    for (const state of this.recorder.targets) this.recorder.finish(state, end.reason ?? 'stopped');
    this.runSink.endRun({ endedAt: now, exitCode: end.exitCode, exitSignal: end.exitSignal });
    let failure: Error | undefined;
    let mprofFailed = false;
    try {
      failure = this.runSink.flushWithin(FINAL_WAIT_MS);
    } finally {
      this.recorder.close();
      mprofFailed = this.closeMprof() !== undefined;
      if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
    }
    return { failure, mprofFailed };
  }

  /**
   * The final verdict of every series with RSS, on the whole recording; a target's live forecast goes
   * with it, and a recording read back from the store gets each verdict stored with its series.
   */
  private judgeAll(recording: Recording, now: number, fromStore: boolean): SeriesVerdict[] {
    const verdicts: SeriesVerdict[] = [];
    for (const series of recording.series) {
      const rss = series.metrics.rss ?? [];
      if (rss.length === 0) continue;
      const live = this.recorder.targets.find(
        (t) => (fromStore ? this.runSink.dbId(t.main.id) : t.main.id) === series.id,
      );
      const liveForecast = live ? this.live.get(live.main.id)?.forecast : undefined;
      const report = verdictReport(judgeMemory(rss, series.metrics.heap_used), now, liveForecast);
      if (fromStore) this.runSink.storedVerdict(series.id, report);
      const names = this.namesOf(series.id, fromStore);
      verdicts.push({
        seriesId: series.id,
        label: seriesLabel(series),
        pid: series.pid,
        role: series.role,
        verdict: report,
        ...(names.length > 1 ? { names } : {}),
      });
    }
    return verdicts;
  }

  /** The name history of a series, by its id in the recording (the store's, or the recorder's). */
  private namesOf(seriesId: number, fromStore: boolean): NameChange[] {
    for (let id = 1; this.recorder.namesOf(id).length > 0; id++) {
      if ((fromStore ? this.runSink.dbId(id) : id) === seriesId) return [...this.recorder.namesOf(id)];
    }
    return [];
  }

  /** What did not reach the store, in words (undefined when everything did). */
  private unstored(failure: Error | undefined): string | undefined {
    const u = this.runSink.unwritten();
    const parts: string[] = [];
    if (u.run) parts.push('the whole recording');
    else {
      if (u.samples > 0) parts.push(`${u.samples} sample values`);
      if (u.markers > 0) parts.push(`${u.markers} markers`);
      if (u.notes > 0) parts.push(`${u.notes} notes`);
      if (failure && parts.length === 0) parts.push('the end of the run');
    }
    if (u.dropped > 0) parts.push(`${u.dropped} values dropped while the store was locked (buffer full)`);
    if (parts.length === 0) return undefined;
    const why = failure ? ` (${failure.message})` : '';
    return `not stored in ${this.runSink.path}: ${parts.join(', ')}${why}`;
  }

  /** The recording as the recorder holds it (RSS of each target), for a store that took nothing. */
  private inMemory(now: number, end: RunEnd): Recording {
    const { kind, command, intervalMs } = this.options;
    return {
      run: {
        id: 0,
        kind,
        command,
        host: hostname(),
        startedAt: this.startedAt,
        endedAt: now,
        intervalMs,
        exitCode: end.exitCode,
        exitSignal: end.exitSignal,
      },
      series: this.recorder.targets.map((state) => ({
        id: state.main.id,
        role: state.role,
        pid: state.target.pid,
        startTicks: state.target.startTicks,
        name: state.target.name,
        command: state.target.command,
        startedAt: this.startedAt,
        endedAt: now,
        endReason: state.endReason,
        metrics: { rss: state.history },
      })),
      markers: [],
      notes: [],
      source: 'memory (not stored)',
    };
  }

  /** Remove the temp files if the session ends early (a command that could not start). */
  abandon(): void {
    this.recorder.close();
    this.closeMprof();
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }

  /** Close the mprof file (writing its FUNC lines); the error, if that failed (a full disk). */
  private closeMprof(): Error | undefined {
    try {
      this.mprof?.close();
      return undefined;
    } catch (error) {
      return error as Error;
    }
  }
}

function openMprof(path: string, command: string): MprofWriter {
  try {
    return new MprofWriter(path, command);
  } catch (error) {
    const code = errnoCode(error);
    const message = `cannot write ${path}: ${(error as Error).message}`;
    const hint = 'choose a writable path for -o (a directory you own, a disk with free space)';
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      throw new PermissionError(message, { hint, cause: error });
    throw new UsageError(message, { hint, cause: error });
  }
}
