/**
 * `hog plot RUN|FILE [-o out.svg|out.png|out.html]`: chart a recording from the store (a run number,
 * or "last") or an mprof .dat file, with the trend, the verdict and function markers. Without -o it
 * prints sparklines and the verdict in the terminal.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { errnoCode, NotFoundError, PermissionError, quote, UsageError } from '../errors.js';
import { pairMarkers } from '../memory/markers.js';
import { parseMprof } from '../memory/mprof.js';
import {
  METRIC_LABEL,
  type Metric,
  primarySeries,
  type RecordedSeries,
  type Recording,
  type RunState,
  seriesLabel,
} from '../memory/recording.js';
import { judgeMemory } from '../memory/verdictHeap.js';
import { type VerdictReport, verdictReport } from '../memory/verdictReport.js';
import { layoutChart } from '../render/chartScene.js';
import { chartPage } from '../render/html.js';
import { encodePng } from '../render/pngEncode.js';
import { rasterize } from '../render/raster.js';
import { recordingChart } from '../render/recordingChart.js';
import { sparkline } from '../render/sparkline.js';
import { sceneToSvg } from '../render/svg.js';
import { terminalText } from '../render/terminalText.js';
import { formatBytes, formatDuration } from '../render/units.js';
import { verdictSummary } from '../render/verdictText.js';
import { defaultDbPath } from '../store/paths.js';
import { recordedUntil, runState } from '../store/runState.js';
import { Store } from '../store/store.js';
import type { CliContext } from './context.js';
import { positiveInt } from './optionValues.js';

interface PlotFlags {
  output?: string;
  db?: string;
  json?: boolean;
  width: number;
  height: number;
}

const FORMATS = ['.svg', '.png', '.html'];

export function register(program: Command, context: CliContext): void {
  program
    .command('plot')
    .description(
      'chart a recording (run number, "last", or an mprof .dat file): SVG, PNG, HTML or sparklines',
    )
    .argument('<run-or-file>', 'a run number from `hog runs`, "last", or an mprofile_*.dat file')
    .option('-o, --output <file>', 'write the chart to FILE: .svg, .png or .html')
    .option('--db <file>', `the store (default ${defaultDbPath()}; or set HOG_DB)`)
    .option('--width <px>', 'chart width in pixels', positiveInt('--width'), 960)
    .option('--height <px>', 'chart height in pixels', positiveInt('--height'), 540)
    .option('--json', 'print the series summary and the verdict as JSON')
    .addHelpText(
      'after',
      `
Examples:
  hog plot last                       sparklines and the verdict of the latest recording
  hog plot 12 -o run12.png            a PNG chart of run 12
  hog plot mprofile_20240101.dat -o chart.html   a chart of a memory_profiler recording`,
    )
    .action((what: string, flags: PlotFlags) => plot(what, flags, context));
}

function plot(what: string, flags: PlotFlags, context: CliContext): void {
  const format = chartFormat(flags);
  const loaded = load(what, flags.db ?? defaultDbPath());
  const { recording } = loaded;
  const primary = primarySeries(recording);
  const verdict = primary ? verdictOf(recording, primary, loaded.storedVerdict) : undefined;
  const { output } = context;
  for (const p of loaded.problems) output.error(`note: ${terminalText(p)}`);

  if (flags.output !== undefined) {
    writeOutput(flags.output, chartFile(recording, primary, verdict, format, flags));
  }
  if (flags.json) {
    output.line(JSON.stringify(plotJson(loaded, verdict, flags.output)));
    return;
  }
  if (flags.output !== undefined) {
    output.line(`wrote ${terminalText(flags.output)}: ${verdict ? verdictSummary(verdict) : 'no samples'}`);
    return;
  }
  output.lines(textSummary(recording, verdict, output.columns ?? 100));
}

/** The chart format from the output file's extension (undefined without -o), and the size checked. */
function chartFormat(flags: PlotFlags): string | undefined {
  const format = flags.output === undefined ? undefined : extname(flags.output).toLowerCase();
  if (format !== undefined && !FORMATS.includes(format)) {
    throw new UsageError(`cannot tell the chart format of ${quote(flags.output)}`, {
      hint: `name the output file ${FORMATS.map((f) => `*${f}`).join(', ')}`,
    });
  }
  if (
    !Number.isFinite(flags.width) ||
    flags.width < 320 ||
    flags.height < 200 ||
    flags.width > 8000 ||
    flags.height > 8000
  ) {
    throw new UsageError('chart size out of range', { hint: 'width 320-8000, height 200-8000 pixels' });
  }
  return format;
}

/** The verdict on the primary series; the forecast as the recorder stored it, if it did. */
function verdictOf(
  recording: Recording,
  primary: RecordedSeries,
  stored: VerdictReport | undefined,
): VerdictReport {
  return verdictReport(
    judgeMemory(primary.metrics.rss ?? [], primary.metrics.heap_used),
    recording.run.endedAt ?? Date.now(),
    stored?.forecast,
  );
}

/** The chart as the bytes of an SVG, PNG or HTML file. */
function chartFile(
  recording: Recording,
  primary: RecordedSeries | undefined,
  verdict: VerdictReport | undefined,
  format: string | undefined,
  flags: PlotFlags,
): string | Buffer {
  const labels = recording.series.map(seriesLabel);
  const spans = pairMarkers(recording.markers);
  const chart = recordingChart(recording, verdict, { primary, labels, spans });
  const scene = layoutChart(chart, flags.width, flags.height);
  if (format === '.png') {
    const canvas = rasterize(scene);
    return encodePng(canvas.pixels, canvas.width, canvas.height);
  }
  if (format === '.html') return chartPage(recording, labels, sceneToSvg(scene), verdict);
  return sceneToSvg(scene);
}

/** --json: each series summed up per metric (samples, first, last, peak), the verdict, and what was skipped. */
function plotJson(
  loaded: Loaded,
  verdict: VerdictReport | undefined,
  outputFile: string | undefined,
): object {
  const { recording } = loaded;
  return {
    source: recording.source,
    run: { ...recording.run, state: runStateOf(recording) },
    series: recording.series.map((s) => ({
      label: seriesLabel(s),
      role: s.role,
      pid: s.pid ?? null,
      endReason: s.endReason ?? null,
      metrics: Object.fromEntries(
        Object.entries(s.metrics).map(([m, points]) => [
          m,
          {
            samples: points.length,
            firstBytes: points[0]?.bytes ?? null,
            lastBytes: points[points.length - 1]?.bytes ?? null,
            peakBytes: points.reduce((x, p) => Math.max(x, p.bytes), 0),
          },
        ]),
      ),
    })),
    verdict: verdict ?? null,
    markers: recording.markers.length,
    notes: recording.notes,
    skippedLines: loaded.skipped,
    problems: loaded.problems,
    output: outputFile ?? null,
  };
}

interface Loaded {
  recording: Recording;
  storedVerdict: VerdictReport | undefined;
  skipped: number;
  problems: string[];
}

function load(what: string, dbPath: string): Loaded {
  const isRun = what === 'last' || (/^\d+$/.test(what) && !existsSync(what));
  if (!isRun) {
    let text: string;
    try {
      text = readFileSync(what, 'utf8');
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'EACCES')
        throw new PermissionError(`cannot read ${what}`, {
          hint: 'check the file permissions',
          cause: error,
        });
      throw new NotFoundError(`no such run or file: ${quote(what)}`, {
        hint: 'give a run number from `hog runs`, "last", or the path of an mprofile_*.dat file',
        cause: error,
      });
    }
    const parsed = parseMprof(text, what);
    if (parsed.recording.series.length === 0) {
      throw new UsageError(`no memory samples in ${what}`, {
        hint: 'an mprof file has MEM lines ("MEM <MiB> <seconds>"), written by `mprof run` or `hog run -o FILE.dat`',
      });
    }
    const problems =
      parsed.skipped > 0
        ? [
            `${parsed.skipped} line(s) of ${what} skipped: ${parsed.problems
              .slice(0, 3)
              .map((p) => `line ${p.line}: ${p.reason}`)
              .join('; ')}${parsed.skipped > 3 ? '; ...' : ''}`,
          ]
        : [];
    return { recording: parsed.recording, storedVerdict: undefined, skipped: parsed.skipped, problems };
  }
  const store = Store.openForReading(dbPath);
  try {
    const id = what === 'last' ? store.lastRunId() : Number(what);
    if (id === undefined)
      throw new NotFoundError(`no recordings in ${dbPath}`, { hint: 'record one with `hog run -- CMD`' });
    const recording = store.loadRun(id);
    const primary = primarySeries(recording);
    const stored = primary ? store.recentSeries(0).find((s) => s.id === primary.id)?.verdict : undefined;
    return { recording, storedVerdict: stored as VerdictReport | undefined, skipped: 0, problems: [] };
  } finally {
    store.close();
  }
}

/** ended for files (mprof has no recorder); else as runState.ts judges it. */
function runStateOf(recording: Recording): RunState {
  return recording.run.recorder || recording.run.lastDataAt ? runState(recording.run, Date.now()) : 'ended';
}

function writeOutput(path: string, data: string | Buffer): void {
  try {
    writeFileSync(path, data);
  } catch (error) {
    const code = errnoCode(error);
    const message = `cannot write ${path}: ${(error as Error).message}`;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      throw new PermissionError(message, { hint: 'choose a writable path', cause: error });
    throw new UsageError(message, { hint: 'choose a writable path in an existing directory', cause: error });
  }
}

/** Sparklines of every line the chart would draw, on one shared scale, and the verdict. */
function textSummary(recording: Recording, verdict: VerdictReport | undefined, width: number): string[] {
  // the command line and the series names come from the recorded processes (other users' text)
  const lines = [terminalText(recording.run.command || recording.source), terminalText(recording.source)];
  const rows: { label: string; values: number[]; last: number; peak: number }[] = [];
  for (const s of recording.series.slice(0, 13)) {
    for (const [metric, points] of Object.entries(s.metrics) as [Metric, { bytes: number }[]][]) {
      if (points.length === 0) continue;
      const values = points.map((p) => p.bytes);
      rows.push({
        label: `${terminalText(seriesLabel(s))} ${METRIC_LABEL[metric]}`,
        values,
        last: values[values.length - 1] as number,
        peak: values.reduce((m, v) => Math.max(m, v), 0),
      });
    }
  }
  const labelWidth = Math.min(
    40,
    rows.reduce((m, r) => Math.max(m, r.label.length), 0),
  );
  const sparkWidth = Math.max(10, Math.min(80, width - labelWidth - 32));
  const max = rows.reduce((m, r) => Math.max(m, r.peak), 0);
  for (const r of rows) {
    lines.push(
      `  ${r.label.slice(0, labelWidth).padEnd(labelWidth)} ${sparkline(r.values, sparkWidth, { min: 0, max })} last ${formatBytes(r.last)} peak ${formatBytes(r.peak)}`,
    );
  }
  // a run whose recorder died has no end: its span is up to the last thing recorded
  const state = runStateOf(recording);
  const how =
    state === 'ended'
      ? ''
      : ` (${state === 'running' ? 'still recording' : 'interrupted: its recorder stopped without ending it'})`;
  lines.push(
    `  ${formatDuration((recordedUntil(recording.run) - recording.run.startedAt) / 1000)} recorded${how}, ${recording.markers.length} function markers`,
  );
  if (verdict) lines.push(`verdict: ${verdictSummary(verdict)}`);
  for (const note of recording.notes) lines.push(`note: ${terminalText(note.text)}`);
  return lines;
}
