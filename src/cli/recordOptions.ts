/**
 * Options and output shared by `hog run` and `hog watch`: sampling flags, the store, the mprof file,
 * and the end-of-recording summary (the same value prints as text or --json).
 */
import type { Command } from 'commander';
import { quote, UsageError } from '../errors.js';
import type { RunKind } from '../memory/recording.js';
import { type Recording, seriesLabel } from '../memory/recording.js';
import type { SeriesVerdict } from '../memory/recordingSession.js';
import { RecordingSession } from '../memory/recordingSession.js';
import { sparkline } from '../render/sparkline.js';
import { terminalText } from '../render/terminalText.js';
import { formatBytes, formatDuration } from '../render/units.js';
import { verdictSummary } from '../render/verdictText.js';
import { defaultDbPath } from '../store/paths.js';
import { selfIdentity } from '../store/runState.js';
import { storeError } from '../store/sqliteErrors.js';
import { Store } from '../store/store.js';
import { StoreSink } from '../store/storeSink.js';
import type { CliContext } from './context.js';
import { seconds } from './optionValues.js';

export interface RecordFlags {
  interval: number;
  includeChildren?: boolean;
  multiprocess?: boolean;
  swap?: boolean;
  pss?: boolean;
  uss?: boolean;
  output?: string;
  format?: string;
  db?: string;
  json?: boolean;
}

export function addRecordOptions(command: Command, defaultInterval: number): Command {
  return command
    .option(
      '-i, --interval <seconds>',
      `seconds between samples (e.g. 0.1, 500ms, 2s)`,
      seconds('--interval', { max: 3600 }),
      defaultInterval,
    )
    .option('-C, --include-children', 'add the memory of all descendants to the process (like mprof)')
    .option('-M, --multiprocess', 'record each descendant as its own series (like mprof --multiprocess)')
    .option('--swap', 'also record swap (VmSwap)')
    .option('--pss', 'also record PSS (smaps_rollup; ~10x the cost of RSS)')
    .option('--uss', 'also record USS (smaps_rollup; ~10x the cost of RSS)')
    .option('-o, --output <file>', 'also write the recording to FILE (mprof .dat)')
    .option('--format <format>', 'format of --output: mprof (default for any name)')
    .option('--db <file>', `the store (default ${defaultDbPath()}; or set HOG_DB)`)
    .option('--json', 'print the summary as JSON on stdout');
}

/** The mprof file to write, if any; checks --format. */
export function mprofPath(flags: RecordFlags): string | undefined {
  if (flags.format !== undefined && flags.format !== 'mprof') {
    throw new UsageError(`unknown --format ${quote(flags.format)}`, {
      hint: 'the only file format is mprof (memory_profiler .dat); the store keeps everything else',
    });
  }
  if (flags.format !== undefined && flags.output === undefined) {
    throw new UsageError('--format needs --output FILE');
  }
  return flags.output;
}

export interface SeriesSummary {
  seriesId: number;
  label: string;
  pid?: number | undefined;
  role: string;
  samples: number;
  firstBytes: number;
  peakBytes: number;
  lastBytes: number;
  endReason?: string | undefined;
  verdict: SeriesVerdict['verdict'];
  /** Every name the process had, oldest first, when it exec'd another program. */
  names?: SeriesVerdict['names'];
}

export function summarize(recording: Recording, verdicts: readonly SeriesVerdict[]): SeriesSummary[] {
  return verdicts.map((v) => {
    const series = recording.series.find((s) => s.id === v.seriesId);
    const rss = series?.metrics.rss ?? [];
    return {
      seriesId: v.seriesId,
      label: series ? seriesLabel(series) : v.label,
      pid: v.pid,
      role: v.role,
      samples: rss.length,
      firstBytes: rss[0]?.bytes ?? 0,
      peakBytes: rss.reduce((m, s) => Math.max(m, s.bytes), 0),
      lastBytes: rss[rss.length - 1]?.bytes ?? 0,
      endReason: series?.endReason,
      verdict: v.verdict,
      ...(v.names ? { names: v.names } : {}),
    };
  });
}

/** The text summary: one block per series, with a sparkline of its RSS. */
export function summaryLines(
  recording: Recording,
  summaries: readonly SeriesSummary[],
  width = 100,
): string[] {
  const lines: string[] = [];
  const shown = summaries.slice(0, 12);
  for (const s of shown) {
    const rss = recording.series.find((x) => x.id === s.seriesId)?.metrics.rss ?? [];
    const spark = sparkline(
      rss.map((x) => x.bytes),
      Math.max(10, Math.min(40, width - 60)),
    );
    lines.push(
      `  ${terminalText(s.label)}: RSS ${formatBytes(s.firstBytes)} -> ${formatBytes(s.lastBytes)}, peak ${formatBytes(s.peakBytes)}, ${s.samples} samples`,
      `    ${spark}`,
      `    ${verdictSummary(s.verdict)}`,
    );
  }
  if (summaries.length > shown.length) lines.push(`  ... and ${summaries.length - shown.length} more series`);
  for (const note of recording.notes) lines.push(`  note: ${terminalText(note.text)}`);
  return lines;
}

/** "run 12", or what to call a run whose row the store has not taken yet (locked since the start). */
export function runName(session: RecordingSession): string {
  return session.runId === undefined
    ? 'a run (the store is locked: numbered once written)'
    : `run ${session.runId}`;
}

export function durationOf(recording: Recording): string {
  const end = recording.run.endedAt ?? recording.run.startedAt;
  return formatDuration((end - recording.run.startedAt) / 1000);
}

/**
 * Open the store and a recording session from the flags, run `body`, and always close the store; a
 * session that fails before it finishes removes its temporary files.
 */
export async function withSession(
  flags: RecordFlags,
  context: CliContext,
  procRoot: string,
  what: { kind: RunKind; command: string; options: object },
  body: (session: RecordingSession, store: Store) => Promise<void>,
): Promise<void> {
  const outPath = mprofPath(flags);
  const store = Store.openForWriting(flags.db ?? defaultDbPath());
  let session: RecordingSession | undefined;
  try {
    session = new RecordingSession({
      openSink: (run) =>
        new StoreSink(
          store,
          // who records it: a reader tells a run whose recorder died from one still going (runState.ts)
          { ...run, options: { ...run.options, recorder: selfIdentity() } },
          () => context.clock.now(),
        ),
      kind: what.kind,
      command: what.command,
      intervalMs: flags.interval * 1000,
      includeChildren: flags.includeChildren === true,
      multiprocess: flags.multiprocess === true,
      wanted: { swap: flags.swap === true, pss: flags.pss === true, uss: flags.uss === true },
      procRoot,
      clock: context.clock,
      mprofPath: outPath,
      options: {
        ...what.options,
        includeChildren: flags.includeChildren === true,
        multiprocess: flags.multiprocess === true,
      },
    });
    await body(session, store);
  } catch (error) {
    session?.abandon();
    throw storeError(store.path, error);
  } finally {
    store.close();
  }
}
