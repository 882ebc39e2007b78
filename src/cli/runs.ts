/**
 * `hog runs`: the recordings in the store, newest first, with their verdicts. It only reads the store:
 * a missing file is "no recordings yet", never a new file. A run whose recorder died before ending it
 * shows as interrupted, with the time to its last recorded sample (runState.ts).
 */
import type { Command } from 'commander';
import type { RunState } from '../memory/recording.js';
import type { VerdictReport } from '../memory/verdictReport.js';
import { renderTable, type TableColumn } from '../render/table.js';
import { formatBytesPerMinute, formatBytesShort, formatDuration } from '../render/units.js';
import { defaultDbPath } from '../store/paths.js';
import { bootId, recordedUntil, runState } from '../store/runState.js';
import { type RunSummary, Store } from '../store/store.js';
import type { CliContext } from './context.js';
import { positiveInt } from './optionValues.js';

interface RunsFlags {
  db?: string;
  limit: number;
  json?: boolean;
}

function verdictText(run: RunSummary): string {
  const v = run.verdict as VerdictReport | undefined;
  if (!v) return '-';
  if (v.class === 'leaking' && v.fit) return `leaking ${formatBytesPerMinute(v.fit.slopeBytesPerMinute)}`;
  return v.class;
}

type Listed = RunSummary & { state: RunState };

/** How long it ran: to its end, or to the last thing recorded for a run still going or interrupted. */
function timeText(r: Listed): string {
  const span = formatDuration((recordedUntil(r) - r.startedAt) / 1000);
  return r.state === 'ended' ? span : `${span} ${r.state}`;
}

const COLUMNS: TableColumn<Listed>[] = [
  { header: 'RUN', align: 'right', text: (r) => String(r.id) },
  { header: 'KIND', align: 'left', text: (r) => r.kind },
  {
    header: 'STARTED',
    align: 'left',
    text: (r) => new Date(r.startedAt).toISOString().replace('T', ' ').slice(0, 19),
  },
  {
    header: 'TIME',
    align: 'right',
    text: timeText,
  },
  { header: 'SAMPLES', align: 'right', text: (r) => String(r.samples) },
  {
    header: 'PEAK',
    align: 'right',
    text: (r) => (r.peakBytes === undefined ? '-' : formatBytesShort(r.peakBytes)),
  },
  {
    header: 'EXIT',
    align: 'right',
    text: (r) => r.exitSignal ?? (r.exitCode === undefined ? '-' : String(r.exitCode)),
  },
  { header: 'VERDICT', align: 'left', text: verdictText },
  { header: 'COMMAND', align: 'left', flex: true, text: (r) => r.command },
];

export function register(program: Command, context: CliContext): void {
  program
    .command('runs')
    .description('list the recordings of hog run and hog watch, newest first, with their verdicts')
    .option('--db <file>', `the store (default ${defaultDbPath()}; or set HOG_DB)`)
    .option('-n, --limit <N>', 'show at most N runs', positiveInt('--limit'), 20)
    .option('--json', 'print JSON (sizes in bytes, times in ms since the epoch)')
    .addHelpText(
      'after',
      `
Examples:
  hog runs                 the last 20 recordings
  hog plot 12 -o run.svg   chart one of them`,
    )
    .action((flags: RunsFlags) => {
      const path = flags.db ?? defaultDbPath();
      const { output } = context;
      if (!Store.exists(path)) {
        if (flags.json) output.line(JSON.stringify({ db: path, runs: [] }));
        else
          output.line(
            `no recordings yet (${path} does not exist); record one with hog run -- CMD or hog watch PID`,
          );
        return;
      }
      const store = Store.openForReading(path);
      try {
        const now = Date.now();
        const boot = bootId();
        const runs: Listed[] = store
          .listRuns(flags.limit)
          .map((r) => ({ ...r, state: runState(r, now, boot) }));
        if (flags.json) {
          output.line(JSON.stringify({ db: path, runs }));
          return;
        }
        if (runs.length === 0) {
          output.line(`no recordings yet in ${path}`);
          return;
        }
        output.lines(renderTable(COLUMNS, runs, { width: output.columns }));
      } finally {
        store.close();
      }
    });
}
