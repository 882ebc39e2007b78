/**
 * The recorder's sink into the store. Everything is buffered (the run row itself, series, samples,
 * markers, notes, verdicts, ends) and written in one IMMEDIATE transaction per flush, about once a
 * second. When another writer holds the lock past the busy timeout, the flush keeps its buffer and the
 * next one tries again: a lock costs no samples and does not stop the recording. The buffer is bounded
 * (MAX_PENDING rows); what does not fit is counted and said, not silently lost. Other failures (a full
 * disk, a corrupt file) are thrown: the recording stops writing.
 */

import type { SampleRow } from '../memory/recorder.js';
import type { Marker, Note, Recording, SeriesInfo } from '../memory/recording.js';
import type { RunEnd, RunRecord, RunSink, Unwritten } from '../memory/runSink.js';
import { isBusy } from './sqliteErrors.js';
import { type Store, WRITE_BUSY_MS } from './store.js';

/** Rows kept while the store is locked: ~100 bytes each, so about 20 MB at most. */
export const MAX_PENDING = 200_000;

export class StoreSink implements RunSink {
  private runId: number | undefined;
  private readonly ids = new Map<number, number>();
  private newSeries: { id: number; info: SeriesInfo }[] = [];
  private rows: SampleRow[] = [];
  private markerRows: Marker[] = [];
  private noteRows: Note[] = [];
  private ends: { id: number; t: number; reason: string }[] = [];
  /** The latest name of each series whose process exec'd, by recorder id. */
  private renames = new Map<number, { name: string; command: string }>();
  /** Latest verdict per series: by the recorder's id (live) or the store's (final). */
  private verdicts = new Map<string, { id: number; byDbId: boolean; verdict: unknown }>();
  private runEnd: RunEnd | undefined;
  private dropped = 0;
  /** When the store was first found locked in the current stretch, and the last busy error. */
  busySince: number | undefined;
  lastBusy: Error | undefined;

  constructor(
    readonly store: Store,
    private readonly run: RunRecord,
    private readonly now: () => number = Date.now,
  ) {}

  get path(): string {
    return this.store.path;
  }

  /** The run's id in the store, once its row is written. */
  get id(): number | undefined {
    return this.runId;
  }

  /** The store's id of a recorder series. */
  dbId(id: number): number | undefined {
    return this.ids.get(id);
  }

  addSeries(id: number, info: SeriesInfo): void {
    this.newSeries.push({ id, info });
  }

  endSeries(id: number, t: number, reason: string): void {
    this.ends.push({ id, t, reason });
  }

  renameSeries(id: number, name: string, command: string): void {
    this.renames.set(id, { name, command });
  }

  samples(rows: readonly SampleRow[]): void {
    for (const row of rows) if (this.room()) this.rows.push(row);
  }

  markers(markers: readonly Marker[]): void {
    for (const m of markers) if (this.room()) this.markerRows.push(m);
  }

  note(note: Note): void {
    if (this.room()) this.noteRows.push(note);
  }

  /** The live verdict of a recorder series (only the latest is kept until the flush). */
  verdict(id: number, verdict: unknown): void {
    this.verdicts.set(`r${id}`, { id, byDbId: false, verdict });
  }

  /** The final verdict of a series loaded back from the store. */
  storedVerdict(dbId: number, verdict: unknown): void {
    this.verdicts.set(`d${dbId}`, { id: dbId, byDbId: true, verdict });
  }

  endRun(end: RunEnd): void {
    this.runEnd = end;
  }

  loadRun(runId: number): Recording {
    return this.store.loadRun(runId);
  }

  private room(): boolean {
    if (this.rows.length + this.markerRows.length + this.noteRows.length < MAX_PENDING) return true;
    this.dropped++;
    return false;
  }

  get pending(): boolean {
    return (
      this.runId === undefined ||
      this.newSeries.length + this.rows.length + this.markerRows.length + this.noteRows.length > 0 ||
      this.ends.length > 0 ||
      this.renames.size > 0 ||
      this.verdicts.size > 0 ||
      this.runEnd !== undefined
    );
  }

  unwritten(): Unwritten {
    return {
      run: this.runId === undefined,
      samples: this.rows.length,
      markers: this.markerRows.length,
      notes: this.noteRows.length,
      dropped: this.dropped,
    };
  }

  /**
   * Write everything buffered in one transaction. Returns false, keeping the buffer, while another
   * writer holds the lock; throws any other failure (the buffer is kept then too).
   */
  flush(): boolean {
    if (!this.pending) return true;
    let runId = this.runId;
    const assigned = new Map<number, number>();
    try {
      this.store.transaction(() => {
        if (runId === undefined) runId = this.store.createRun(this.run);
        this.writeBuffered(runId, assigned);
      });
    } catch (error) {
      if (!isBusy(error)) throw error;
      this.busySince ??= this.now();
      this.lastBusy = error as Error;
      return false;
    }
    this.committed(runId, assigned);
    return true;
  }

  /**
   * Everything buffered, inside flush's transaction: the new series (their store ids go into
   * `assigned`, which counts only once committed), samples, markers, notes, renames, ends, verdicts
   * and the run's end. Rows of a series the store has no id for are left out.
   */
  private writeBuffered(run: number, assigned: Map<number, number>): void {
    const store = this.store;
    const idOf = (id: number | undefined) =>
      id === undefined ? undefined : (this.ids.get(id) ?? assigned.get(id));
    for (const s of this.newSeries) assigned.set(s.id, store.addSeries(run, s.info));
    const samples: SampleRow[] = [];
    for (const row of this.rows) {
      const seriesId = idOf(row.seriesId);
      if (seriesId !== undefined) samples.push({ ...row, seriesId });
    }
    store.write({
      samples,
      markers: this.markerRows.map((m) => ({ ...m, runId: run })),
      notes: this.noteRows.map((n) => ({ ...n, seriesId: idOf(n.seriesId), runId: run })),
    });
    for (const [recorderId, r] of this.renames) {
      const id = idOf(recorderId);
      if (id !== undefined) store.renameSeries(id, r.name, r.command);
    }
    for (const e of this.ends) {
      const id = idOf(e.id);
      if (id !== undefined) store.endSeries(id, e.t, e.reason);
    }
    for (const v of this.verdicts.values()) {
      const id = v.byDbId ? v.id : idOf(v.id);
      if (id !== undefined) store.setVerdict(id, v.verdict);
    }
    if (this.runEnd) store.endRun(run, this.runEnd);
  }

  /** Committed: only now do the ids count and the buffers go; a spell of waiting on the lock becomes a note. */
  private committed(runId: number | undefined, assigned: ReadonlyMap<number, number>): void {
    this.runId = runId;
    for (const [id, dbId] of assigned) this.ids.set(id, dbId);
    this.newSeries = [];
    this.rows = [];
    this.markerRows = [];
    this.noteRows = [];
    this.ends = [];
    this.renames.clear();
    this.verdicts.clear();
    this.runEnd = undefined;
    if (this.busySince !== undefined) {
      const seconds = Math.round((this.now() - this.busySince) / 100) / 10;
      this.noteRows.push({
        t: this.now(),
        kind: 'store-busy',
        text: `the store was locked by another writer for ${seconds}s; what was recorded meanwhile was kept and written when it was free`,
      });
      this.busySince = undefined;
    }
  }

  /**
   * Write what is buffered, retrying while another writer has the lock, for up to `waitMs` (real
   * time: it is SQLite's busy handler that waits). The error that kept something out, if any.
   */
  flushWithin(waitMs: number): Error | undefined {
    const { store } = this;
    const until = performance.now() + waitMs;
    try {
      for (;;) {
        store.setBusyTimeout(Math.max(50, Math.min(1000, until - performance.now())));
        // a flush after a locked stretch queues a note about it: one more round writes that
        if (this.flush() && !this.pending) return undefined;
        if (performance.now() >= until) {
          return this.lastBusy ?? new Error('the store stayed locked by another writer');
        }
      }
    } catch (error) {
      return error as Error;
    } finally {
      store.setBusyTimeout(WRITE_BUSY_MS);
    }
  }
}
