/**
 * One recorded run read back whole: each series with its samples grouped by metric, the markers and
 * the notes, in the order they were recorded; and the last moment anything was recorded, which is
 * where a run whose recorder died really ends.
 */
import type Database from 'better-sqlite3';
import type { Sample } from '../memory/envelope.js';
import type { Marker, Metric, Note, RecordedSeries } from '../memory/recording.js';
import { latest, type SeriesRow, seriesInfo } from './rows.js';

/** The run's series, each with its samples by metric (metrics this store does not name are skipped). */
export function readRunSeries(
  db: Database.Database,
  runId: number,
  metricIds: ReadonlyMap<Metric, number>,
): RecordedSeries[] {
  const names = new Map([...metricIds].map(([name, id]) => [id, name]));
  const seriesRows = db
    .prepare('SELECT * FROM series WHERE run_id = ? ORDER BY id')
    .all(runId) as SeriesRow[];
  const sampleQuery = db.prepare(
    'SELECT metric_id, t, value FROM samples WHERE series_id = ? ORDER BY metric_id, t',
  );
  return seriesRows.map((s) => {
    const metrics: Partial<Record<Metric, Sample[]>> = {};
    for (const x of sampleQuery.iterate(s.id) as Iterable<{ metric_id: number; t: number; value: number }>) {
      const name = names.get(x.metric_id);
      if (!name) continue;
      let list = metrics[name];
      if (!list) {
        list = [];
        metrics[name] = list;
      }
      list.push({ t: x.t, bytes: x.value });
    }
    return { id: s.id, ...seriesInfo(s), metrics };
  });
}

export function readRunMarkers(db: Database.Database, runId: number): Marker[] {
  const rows = db
    .prepare('SELECT t, event, name, pid FROM markers WHERE run_id = ? ORDER BY t, id')
    .all(runId) as { t: number; event: 'enter' | 'exit'; name: string; pid: number | null }[];
  return rows.map((m) => ({ t: m.t, event: m.event, name: m.name, pid: m.pid ?? undefined }));
}

export function readRunNotes(db: Database.Database, runId: number): Note[] {
  const rows = db
    .prepare('SELECT t, kind, text, series_id FROM notes WHERE run_id = ? ORDER BY t, id')
    .all(runId) as { t: number; kind: string; text: string; series_id: number | null }[];
  return rows.map((n) => ({ t: n.t, kind: n.kind, text: n.text, seriesId: n.series_id ?? undefined }));
}

/** The time of the last sample, marker or note: where a run whose recorder died really ends. */
export function lastRecorded(
  series: readonly RecordedSeries[],
  markers: readonly Marker[],
  notes: readonly Note[],
): number | undefined {
  let last: number | undefined;
  for (const s of series)
    for (const points of Object.values(s.metrics)) last = latest(last, points.at(-1)?.t);
  return latest(latest(last, markers.at(-1)?.t), notes.at(-1)?.t);
}
