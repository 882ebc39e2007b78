/**
 * What `hog plot` draws from a recording: RSS of the main (or total) process, each child's RSS when
 * the recording has children (--multiprocess, mprof CHLD lines), the other metrics recorded (PSS, USS,
 * swap) and, for Node.js targets, the V8 heap lines beside RSS; the trend the verdict rests on, the
 * verdict itself, and function spans from markers. Pure; what memory/ derives from the recording (the
 * primary series, the series' labels, the markers paired into spans) comes in as values.
 */
import type { MarkerSpan } from '../memory/markers.js';
import { METRIC_LABEL, type Metric, type RecordedSeries, type Recording } from '../memory/recording.js';
import type { VerdictClass } from '../memory/verdict.js';
import type { VerdictReport } from '../memory/verdictReport.js';
import type { ChartInput, ChartLine } from './chartScene.js';
import { formatBytesPerMinute } from './units.js';
import { verdictSummary } from './verdictText.js';

export const VERDICT_COLOR: Record<VerdictClass, string> = {
  leaking: '#c62828',
  'growing-then-stable': '#d97706',
  stable: '#2e7d32',
  shrinking: '#1565c0',
  'not-enough-data': '#6b7280',
};

const METRIC_COLOR: Record<Metric, string> = {
  rss: '#1f77b4',
  pss: '#17becf',
  uss: '#9467bd',
  swap: '#8c564b',
  heap_used: '#2ca02c',
  heap_total: '#98df8a',
  external: '#ff7f0e',
  array_buffers: '#e377c2',
};

/** Children's colours: none of them is a metric's colour above. */
const CHILD_COLORS = [
  '#d62728',
  '#8c564b',
  '#bcbd22',
  '#7f7f7f',
  '#6a3d9a',
  '#b15928',
  '#fb9a99',
  '#a6cee3',
  '#000000',
];

/** At most this many child lines; the rest are summed in the total anyway. */
export const MAX_CHILD_LINES = 12;

/** What the domain derives from a recording for its chart (memory/recording.ts, memory/markers.ts). */
export interface RecordingFacts {
  /** The series the verdict is about (primarySeries). */
  primary: RecordedSeries | undefined;
  /** `labels[i]` names `recording.series[i]` (seriesLabel). */
  labels: readonly string[];
  /** The function markers paired into spans (pairMarkers). */
  spans: MarkerSpan[];
}

export function recordingChart(
  recording: Recording,
  verdict: VerdictReport | undefined,
  facts: RecordingFacts,
): ChartInput {
  const { primary, labels } = facts;
  const labelOf = (series: RecordedSeries) => labels[recording.series.indexOf(series)] ?? '';
  const color = verdict ? VERDICT_COLOR[verdict.class] : '#6b7280';
  const run = recording.run;
  const when = new Date(run.startedAt).toISOString().replace('T', ' ').slice(0, 19);
  return {
    title: `${run.command || recording.source}`.slice(0, 140),
    subtitle: `${recording.source}, started ${when} UTC${primary ? `, ${labelOf(primary)}` : ''}`,
    lines: [...(primary ? metricLines(primary) : []), ...childLines(recording, primary, labelOf)],
    trend: trendLine(verdict, color),
    annotation: verdict ? { text: verdictSummary(verdict).slice(0, 150), color } : undefined,
    spans: facts.spans,
  };
}

/** One line per metric the primary series recorded: RSS the thickest, the heap's total dashed. */
function metricLines(primary: RecordedSeries): ChartLine[] {
  const lines: ChartLine[] = [];
  for (const [metric, points] of Object.entries(primary.metrics) as [
    Metric,
    { t: number; bytes: number }[],
  ][]) {
    if (points.length === 0) continue;
    lines.push({
      label:
        metric === 'rss' ? `${primary.role === 'total' ? 'RSS + children' : 'RSS'}` : METRIC_LABEL[metric],
      color: METRIC_COLOR[metric],
      points,
      width: metric === 'rss' ? 2 : 1.5,
      ...(metric === 'heap_total' ? { dashed: true } : {}),
    });
  }
  return lines;
}

/** Each child's RSS, thin, up to MAX_CHILD_LINES of them. */
function childLines(
  recording: Recording,
  primary: RecordedSeries | undefined,
  labelOf: (series: RecordedSeries) => string,
): ChartLine[] {
  const children = recording.series.filter((s) => s !== primary && (s.metrics.rss?.length ?? 0) > 0);
  return children.slice(0, MAX_CHILD_LINES).map((child, i) => ({
    label: labelOf(child),
    color: CHILD_COLORS[i % CHILD_COLORS.length] as string,
    points: child.metrics.rss ?? [],
    width: 1,
  }));
}

/** The fit the verdict rests on, drawn in the verdict's colour; none without enough data. */
function trendLine(verdict: VerdictReport | undefined, color: string): ChartInput['trend'] {
  if (!verdict || verdict.class === 'not-enough-data') return undefined;
  // growing-then-stable draws its growth (it may have no "now" fit: verdict.ts)
  const fitted = verdict.class === 'growing-then-stable' && verdict.growth ? verdict.growth : verdict.fit;
  if (!fitted) return undefined;
  return {
    from: { t: Date.parse(fitted.from), bytes: lineAt(fitted, verdict, 'from') },
    to: { t: Date.parse(fitted.to), bytes: lineAt(fitted, verdict, 'to') },
    label: `slope ${formatBytesPerMinute(fitted.slopeBytesPerMinute)}`,
    color,
  };
}

/** The fitted line's ends: from the stored level and slope (the line passes the window's envelope). */
function lineAt(
  fit: NonNullable<VerdictReport['fit']>,
  verdict: VerdictReport | undefined,
  end: 'from' | 'to',
): number {
  const start = fit.startBytes ?? verdict?.levelBytes ?? 0; // older stored verdicts lack startBytes
  return end === 'from' ? start : start + fit.slopeBytesPerMinute * (fit.seconds / 60);
}
