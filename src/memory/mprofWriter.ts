/**
 * `hog run --format mprof -o FILE`: the recording as an mprofile .dat file that `mprof plot` reads.
 * The file is opened (and so checked writable) before the command starts; lines are written at each
 * flush, so what was recorded survives hog being killed. FUNC lines are written at the end, when every
 * function's exit is known.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { pairMarkers } from './markers.js';
import { mprofChild, mprofCmdline, mprofFunc, mprofMem } from './mprof.js';
import type { RecorderSink, SampleRow } from './recorder.js';
import type { Marker, Note, SeriesInfo } from './recording.js';

export class MprofWriter implements RecorderSink {
  private readonly fd: number;
  private readonly roles = new Map<number, SeriesInfo>();
  private pending = '';
  private readonly marks: Marker[] = [];
  /** The main series' samples, to give FUNC lines their memory at entry and exit. */
  private readonly main: { t: number; bytes: number }[] = [];

  constructor(
    readonly path: string,
    command: string,
  ) {
    this.fd = openSync(path, 'w');
    this.pending = mprofCmdline(command);
  }

  addSeries(id: number, info: SeriesInfo): void {
    this.roles.set(id, info);
  }

  endSeries(): void {}

  /** mprof names no series (CHLD lines carry an id, CMDLINE is written once, first): nothing to write. */
  renameSeries(): void {}

  samples(rows: readonly SampleRow[]): void {
    for (const row of rows) {
      if (row.metric !== 'rss') continue;
      const info = this.roles.get(row.seriesId);
      if (!info) continue;
      if (info.role === 'child') this.pending += mprofChild(info.pid ?? row.seriesId, row.value, row.t);
      else {
        this.pending += mprofMem(row.value, row.t);
        this.main.push({ t: row.t, bytes: row.value });
      }
    }
  }

  markers(markers: readonly Marker[]): void {
    for (const marker of markers) this.marks.push(marker);
  }

  note(_note: Note): void {}

  flush(): void {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    writeSync(this.fd, text);
  }

  /** Write the FUNC lines and close the file. */
  close(): void {
    const memAt = (t: number) => {
      let best = this.main[0]?.bytes ?? 0;
      for (const s of this.main) {
        if (s.t > t) break;
        best = s.bytes;
      }
      return best;
    };
    for (const span of pairMarkers(this.marks)) {
      const line = mprofFunc(span, memAt);
      if (line) this.pending += line;
    }
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}
