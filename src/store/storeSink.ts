/**
 * The recorder's sink into the store: series rows are written when they appear, samples, markers and
 * notes are buffered and written in one transaction per flush (about once a second).
 */

import type { RecorderSink, SampleRow } from '../memory/recorder.js';
import type { Marker, Note, SeriesInfo } from '../memory/recording.js';
import type { Store } from './store.js';

export class StoreSink implements RecorderSink {
  private readonly ids = new Map<number, number>();
  private rows: SampleRow[] = [];
  private markerRows: (Marker & { runId: number })[] = [];
  private noteRows: (Note & { runId: number })[] = [];

  constructor(
    readonly store: Store,
    readonly runId: number,
  ) {}

  /** The store's id of a recorder series. */
  dbId(id: number): number | undefined {
    return this.ids.get(id);
  }

  addSeries(id: number, info: SeriesInfo): void {
    this.ids.set(id, this.store.addSeries(this.runId, info));
  }

  endSeries(id: number, t: number, reason: string): void {
    const dbId = this.ids.get(id);
    if (dbId !== undefined) this.store.endSeries(dbId, t, reason);
  }

  samples(rows: readonly SampleRow[]): void {
    for (const row of rows) {
      const seriesId = this.ids.get(row.seriesId);
      if (seriesId !== undefined) this.rows.push({ ...row, seriesId });
    }
  }

  markers(markers: readonly Marker[]): void {
    for (const m of markers) this.markerRows.push({ ...m, runId: this.runId });
  }

  note(note: Note): void {
    const seriesId = note.seriesId === undefined ? undefined : this.ids.get(note.seriesId);
    this.noteRows.push({ ...note, seriesId, runId: this.runId });
  }

  flush(): void {
    if (this.rows.length === 0 && this.markerRows.length === 0 && this.noteRows.length === 0) return;
    const batch = { samples: this.rows, markers: this.markerRows, notes: this.noteRows };
    this.rows = [];
    this.markerRows = [];
    this.noteRows = [];
    this.store.write(batch);
  }
}
