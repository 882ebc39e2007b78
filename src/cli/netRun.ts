/**
 * The two ways `hog net` runs once its sources are open: a stream (-t report, --json ticks) and the
 * live view (keys, redraw on resize). Both take ticks from the same monitor; they differ only in
 * when they draw and what.
 */

import type { Clock } from '../clock.js';
import type { NetMonitor } from '../net/monitor.js';
import { netJson } from '../net/netJson.js';
import { buildRows, type GroupPeaks, type NetFilter } from '../net/netView.js';
import { decodeKeys } from '../render/keys.js';
import { handleNetKey, initialNetState, type NetState } from '../render/netModel.js';
import { NET_HEADER_LINES, renderNetFrame, renderNetReport } from '../render/netScreen.js';
import type { CliContext } from './context.js';
import { runLiveView } from './liveView.js';

/**
 * SIGINT/SIGTERM (or q) end the run cleanly: children stopped, the last report printed. Its sleep is
 * the clock's, which a stop cancels, so hog exits at once rather than after the interval.
 */
export function stopSignal(clock: Clock) {
  const stopping = new AbortController();
  const onSignal = () => stopping.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get stopped() {
      return stopping.signal.aborted;
    },
    /** Aborts when stopped. */
    signal: stopping.signal,
    stop: onSignal,
    /** Sleep, or less when stopped. */
    sleep(ms: number): Promise<void> {
      return clock.sleep(ms, stopping.signal);
    },
    dispose() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}

/**
 * What the stream and live loops share: the options as plain values (net.ts resolves them), the view
 * asked for, and how to take a tick.
 */
export interface Run {
  /** seconds between samples */
  interval: number;
  /** seconds to measure for, undefined: until stopped */
  duration: number | undefined;
  /** one report at the end (-t) */
  text: boolean;
  /** JSON instead of text */
  json: boolean;
  /** only the first N rows */
  top: number | undefined;
  /** rates in bytes/s */
  bytes: boolean;
  /** show idle connections */
  all: boolean;
  /** the filters in words, for the report's header ('' when none) */
  narrowed: string;
  by: NetState['by'];
  sort: NetState['sort'];
  filter: NetFilter;
  tick: () => Promise<ReturnType<NetMonitor['snapshot']>>;
  peaks: GroupPeaks;
  stop: ReturnType<typeof stopSignal>;
}

export async function runStream(run: Run, context: CliContext): Promise<void> {
  const { by, sort, filter, tick, peaks, stop, duration } = run;
  const { clock, output } = context;
  // the run is a number of ticks after the first (baseline) sample: seconds / interval of them, each
  // an interval after the previous one started, so slow ticks do not change how many there are
  const ticks =
    duration === undefined ? Number.POSITIVE_INFINITY : Math.max(1, Math.round(duration / run.interval));
  let snapshot = await tick();
  const cut = <T>(rows: T[]) => (run.top !== undefined ? rows.slice(0, run.top) : rows);
  let next = clock.monotonic();
  for (let i = 0; i < ticks && !stop.stopped; i++) {
    next += run.interval * 1000;
    await stop.sleep(Math.max(0, next - clock.monotonic()));
    if (stop.stopped && run.json && !run.text) break;
    snapshot = await tick();
    if (run.json && !run.text) {
      output.line(
        JSON.stringify(
          netJson(snapshot, by, cut(buildRows(snapshot, by, filter, sort, peaks)), run.interval),
        ),
      );
    }
  }
  if (!run.text) return;
  const rows = cut(buildRows(snapshot, by, filter, sort, peaks));
  if (run.json) {
    output.line(JSON.stringify(netJson(snapshot, by, rows, run.interval), null, 2));
    return;
  }
  const interfaces = buildRows(snapshot, 'interface', filter, '10s', peaks);
  output.lines(
    renderNetReport(snapshot, by, rows, interfaces, {
      seconds: duration ?? 0,
      bytes: run.bytes,
      narrowed: run.narrowed,
      width: output.columns,
    }),
  );
}

/** The live view: net's keys on the model (render/netModel.ts), a new tick every interval. */
export async function runLive(run: Run, context: Pick<CliContext, 'terminal' | 'clock'>): Promise<void> {
  const { by, sort, filter, tick, peaks, stop } = run;
  let state = initialNetState({ by, sort, bytes: run.bytes, all: run.all });
  let snapshot = await tick();
  await runLiveView(context.terminal, context.clock, {
    decode: decodeKeys,
    render: ({ width, height }) => {
      const narrowedBy = { ...filter, all: state.all, text: state.filter };
      const rows = buildRows(snapshot, state.by, narrowedBy, state.sort, peaks);
      return renderNetFrame(state, snapshot, rows, width, height, {
        intervalSeconds: run.interval,
        narrowed: run.narrowed,
      });
    },
    key: (key, live) => {
      const result = handleNetKey(state, key, Math.max(1, live.size().height - NET_HEADER_LINES - 1));
      state = result.state;
      return result.effect?.kind === 'quit' ? 'quit' : result.effect && 'draw';
    },
    refresh: {
      everyMs: run.interval * 1000,
      run: async () => {
        snapshot = await tick();
        return !state.paused;
      },
    },
    signal: stop.signal,
    close: () => {
      stop.stop();
      stop.dispose();
    },
  });
}
