/**
 * memory_profiler's mprofile .dat format, read and written (memory_profiler 0.61, mprof.py
 * read_mprofile_file and memory_profiler.py memory_usage):
 *   CMDLINE <command line>
 *   MEM <MiB, 6 decimals> <epoch seconds, 4 decimals>            the process (+ children with
 *                                                                  --include-children)
 *   CHLD <child id> <MiB> <epoch seconds>                         one child (--multiprocess); mprof
 *                                                                  numbers children, hog writes PIDs
 *   FUNC <name> <MiB at start> <t start> <MiB at end> <t end> [stack level]   a @profile'd call
 * MiB are 2^20 bytes.
 *
 * A file is input from anywhere, so every line of these types is checked, and the first bad one stops
 * the parse with a ParseError naming the file and the line (mprof itself stops on the first line it
 * cannot read): a missing field, a field that is not a decimal number (nan, inf, 0x10 and 1e400 are
 * not), a memory or a time outside MPROF_LIMITS, a sample older than the one before it in its series,
 * a function that ends before it starts. Two kinds of line are skipped, counted and reported instead:
 * lines of other types and empty lines (mprof ignores unknown types), and an incomplete last line
 * without its newline (what a file still being written, or whose writer was killed, ends with).
 */
import { ParseError } from '../errors.js';
import type { Sample } from './envelope.js';
import type { MarkerSpan } from './markers.js';
import type { Marker, RecordedSeries, Recording } from './recording.js';

const MiB = 1024 * 1024;

/** What a value in a .dat file may be; anything outside is a corrupt or foreign file, not a recording. */
export const MPROF_LIMITS = {
  /**
   * Unix seconds from 1990-01-01 to 2100-01-01. mprof writes time.time(): a time outside is a clock
   * that was never set or a corrupt number (1e15 s is the year 31 million, past what a Date holds).
   */
  minSeconds: 631_152_000,
  maxSeconds: 4_102_444_800,
  /**
   * MiB up to 2^32 (4 PiB): a 52-bit physical address space, the most any current CPU has. The bytes
   * then stay exact integers in a double (2^52 < 2^53).
   */
  maxMiB: 2 ** 32,
} as const;

export interface MprofParse {
  recording: Recording;
  /** Lines skipped, with why (the first few kept for the report). */
  skipped: number;
  problems: { line: number; reason: string }[];
}

const HINT =
  'an mprof .dat file has lines "CMDLINE <command>", "MEM <MiB> <seconds>", "CHLD <id> <MiB> <seconds>" and "FUNC <name> <MiB> <start> <MiB> <end> [level]", with Unix times from 1990 to 2100 and memory from 0 to 4 PiB';
const ORDER_HINT =
  'the samples of a series must be in time order: was the clock set back while recording, or were two files joined?';

/** A line that does not parse; parseMprof adds the file and the line number. */
class BadLine extends Error {
  constructor(
    message: string,
    readonly hint = HINT,
  ) {
    super(message);
  }
}

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** A decimal number field, or a BadLine that says which field and why. */
function decimal(text: string | undefined, what: string, usage: string): number {
  if (text === undefined) throw new BadLine(`incomplete line: no ${what}; expected "${usage}"`);
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(value)) throw new BadLine(`${what} is not a decimal number: ${JSON.stringify(text)}`);
  return value;
}

function memory(text: string | undefined, what: string, usage: string): number {
  const value = decimal(text, what, usage);
  if (!(value >= 0 && value <= MPROF_LIMITS.maxMiB)) {
    throw new BadLine(`${what} ${text} is out of range (0 to ${MPROF_LIMITS.maxMiB} MiB, 4 PiB)`);
  }
  return Math.round(value * MiB);
}

/** Epoch seconds as milliseconds. */
function time(text: string | undefined, what: string, usage: string): number {
  const value = decimal(text, what, usage);
  if (!(value >= MPROF_LIMITS.minSeconds && value <= MPROF_LIMITS.maxSeconds)) {
    throw new BadLine(`${what} ${text} is not a Unix time from 1990 to 2100`);
  }
  return value * 1000;
}

type Line =
  | { kind: 'cmdline'; command: string }
  | { kind: 'sample'; series: string | undefined; sample: Sample }
  | { kind: 'func'; name: string; start: number; end: number }
  | { kind: 'other'; reason: string };

const MEM = 'MEM <MiB> <seconds>';
const CHLD = 'CHLD <id> <MiB> <seconds>';
const FUNC = 'FUNC <name> <MiB> <start> <MiB> <end> [level]';

/** One line of a .dat file, checked; throws BadLine. */
function parseLine(line: string): Line {
  const space = line.indexOf(' ');
  const type = space < 0 ? line : line.slice(0, space);
  const rest =
    space < 0
      ? []
      : line
          .slice(space + 1)
          .trim()
          .split(/\s+/);
  switch (type) {
    case 'CMDLINE':
      return { kind: 'cmdline', command: space < 0 ? '' : line.slice(space + 1).trim() };
    case 'MEM': {
      const bytes = memory(rest[0], 'MEM <MiB>', MEM);
      return { kind: 'sample', series: undefined, sample: { bytes, t: time(rest[1], 'MEM <seconds>', MEM) } };
    }
    case 'CHLD': {
      if (!rest[0]) throw new BadLine(`incomplete line: no <id>; expected "${CHLD}"`);
      const bytes = memory(rest[1], 'CHLD <MiB>', CHLD);
      return { kind: 'sample', series: rest[0], sample: { bytes, t: time(rest[2], 'CHLD <seconds>', CHLD) } };
    }
    case 'FUNC': {
      if (!rest[0]) throw new BadLine(`incomplete line: no <name>; expected "${FUNC}"`);
      memory(rest[1], 'FUNC <MiB> at start', FUNC);
      const start = time(rest[2], 'FUNC <start>', FUNC);
      memory(rest[3], 'FUNC <MiB> at end', FUNC);
      const end = time(rest[4], 'FUNC <end>', FUNC);
      if (rest[5] !== undefined && !/^\d+$/.test(rest[5])) {
        throw new BadLine(`FUNC [level] is not a whole number: ${JSON.stringify(rest[5])}`);
      }
      if (end < start) throw new BadLine(`FUNC ${rest[0]} ends (${rest[4]}) before it starts (${rest[2]})`);
      return { kind: 'func', name: rest[0], start, end };
    }
    default:
      return {
        kind: 'other',
        reason: line.trim() === '' ? 'empty line' : `unknown line type ${JSON.stringify(type.slice(0, 20))}`,
      };
  }
}

/** A sample must not be older than the one before it in its series (at `previousLine`). */
function inOrder(sample: Sample, previous: Sample | undefined, previousLine: number | undefined): void {
  if (previous !== undefined && sample.t < previous.t) {
    throw new BadLine(
      `time ${sample.t / 1000} is before the previous sample's (${previous.t / 1000}, line ${previousLine})`,
      ORDER_HINT,
    );
  }
}

export function parseMprof(text: string, source: string): MprofParse {
  let command = '';
  const main: Sample[] = [];
  const children = new Map<string, Sample[]>();
  /** The line of each series' last sample, to say where the order broke. */
  const lastLine = new Map<string | undefined, number>();
  const markers: Marker[] = [];
  const problems: { line: number; reason: string }[] = [];
  let skipped = 0;
  const skip = (line: number, reason: string) => {
    skipped++;
    if (problems.length < 20) problems.push({ line, reason });
  };
  const lines = text.split('\n');
  const complete = lines[lines.length - 1] === '';
  if (complete) lines.pop();
  for (const [index, raw] of lines.entries()) {
    const n = index + 1;
    let parsed: Line;
    try {
      parsed = parseLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
      if (parsed.kind === 'sample') {
        const series = parsed.series === undefined ? main : children.get(parsed.series);
        inOrder(parsed.sample, series?.[series.length - 1], lastLine.get(parsed.series));
      }
    } catch (error) {
      if (!(error instanceof BadLine)) throw error;
      if (!complete && n === lines.length) {
        skip(n, `incomplete last line (no newline): ${error.message}`);
        continue;
      }
      throw new ParseError(source, n, error.message, { hint: error.hint });
    }
    switch (parsed.kind) {
      case 'cmdline':
        command = parsed.command;
        break;
      case 'sample': {
        const key = parsed.series;
        let series = key === undefined ? main : children.get(key);
        if (series === undefined) {
          series = [];
          children.set(key as string, series);
        }
        series.push(parsed.sample);
        lastLine.set(key, n);
        break;
      }
      case 'func':
        markers.push({ t: parsed.start, event: 'enter', name: parsed.name });
        markers.push({ t: parsed.end, event: 'exit', name: parsed.name });
        break;
      case 'other':
        skip(n, parsed.reason);
    }
  }
  return { recording: toRecording(command, main, children, markers, skipped, source), skipped, problems };
}

/**
 * The samples of a series up to its last non-zero one, and how many zeros followed. `mprof attach`
 * keeps writing `MEM 0.000000` once its target has exited but is not yet reaped (psutil reads a
 * zombie's memory as 0): those lines are the end of the process, not samples. A series of zeros
 * only is left as it is: there is no process end to find in it.
 */
export function trimExitZeros(samples: readonly Sample[]): { samples: Sample[]; zeros: number } {
  let end = samples.length;
  while (end > 0 && (samples[end - 1] as Sample).bytes === 0) end--;
  if (end === 0) return { samples: [...samples], zeros: 0 };
  return { samples: samples.slice(0, end), zeros: samples.length - end };
}

function toRecording(
  command: string,
  allMain: Sample[],
  allChildren: Map<string, Sample[]>,
  markers: Marker[],
  skipped: number,
  source: string,
): Recording {
  const { main, children, exited, zeros } = withoutExitZeros(allMain, allChildren);
  const first = main[0]?.t ?? [...children.values()][0]?.[0]?.t ?? 0;
  const last = main[main.length - 1]?.t ?? first;
  const intervals = main.slice(1).map((s, i) => s.t - (main[i] as Sample).t);
  intervals.sort((a, b) => a - b);
  return {
    run: {
      id: 0,
      kind: 'import',
      command,
      host: '',
      startedAt: first,
      endedAt: last,
      intervalMs: intervals.length > 0 ? intervals[intervals.length >> 1] : undefined,
    },
    series: seriesOf(command, main, children, exited, first, last),
    markers,
    notes: importNotes(source, skipped, zeros, last),
    source,
  };
}

/** Each series without the zeros mprof wrote after its process exited; which exited (undefined: the main). */
function withoutExitZeros(
  allMain: Sample[],
  allChildren: Map<string, Sample[]>,
): { main: Sample[]; children: Map<string, Sample[]>; exited: Set<string | undefined>; zeros: number } {
  const trimmedMain = trimExitZeros(allMain);
  const exited = new Set<string | undefined>();
  if (trimmedMain.zeros > 0) exited.add(undefined);
  const children = new Map<string, Sample[]>();
  let zeros = trimmedMain.zeros;
  for (const [key, samples] of allChildren) {
    const trimmed = trimExitZeros(samples);
    children.set(key, trimmed.samples);
    zeros += trimmed.zeros;
    if (trimmed.zeros > 0) exited.add(key);
  }
  return { main: trimmedMain.samples, children, exited, zeros };
}

/** The main process's series (if it has samples), then one per child (CHLD lines, by PID or index). */
function seriesOf(
  command: string,
  main: Sample[],
  children: Map<string, Sample[]>,
  exited: Set<string | undefined>,
  first: number,
  last: number,
): RecordedSeries[] {
  const series: RecordedSeries[] = [];
  if (main.length > 0) {
    series.push({
      id: 1,
      role: 'main',
      name: (command.split(' ')[0] ?? '').split('/').pop() ?? '',
      command,
      startedAt: first,
      endedAt: last,
      endReason: exited.has(undefined) ? 'exited' : undefined,
      metrics: { rss: main },
    });
  }
  let id = 2;
  for (const [child, samples] of children) {
    const pid = /^\d+$/.test(child) && Number(child) > 0 ? Number(child) : undefined;
    series.push({
      id: id++,
      role: 'child',
      pid,
      name: pid === undefined ? `child ${child}` : '',
      command: '',
      startedAt: samples[0]?.t ?? first,
      endedAt: samples[samples.length - 1]?.t,
      endReason: exited.has(child) ? 'exited' : undefined,
      metrics: { rss: samples },
    });
  }
  return series;
}

/** What the import left out: skipped lines, and the zeros after an exit. */
function importNotes(source: string, skipped: number, zeros: number, last: number): Recording['notes'] {
  return [
    ...(skipped > 0
      ? [
          {
            t: last,
            kind: 'skipped',
            text: `${skipped} line${skipped === 1 ? '' : 's'} of ${source} skipped`,
          },
        ]
      : []),
    ...(zeros > 0
      ? [
          {
            t: last,
            kind: 'exited',
            text: `${zeros} zero reading${zeros === 1 ? '' : 's'} at the end of ${source} left out: the process had exited (mprof attach reads 0 until it is reaped)`,
          },
        ]
      : []),
  ];
}

const mib = (bytes: number) => (bytes / MiB).toFixed(6);
const seconds = (ms: number) => (ms / 1000).toFixed(4);

export function mprofCmdline(command: string): string {
  return `CMDLINE ${command.replace(/\n/g, ' ')}\n`;
}

export function mprofMem(bytes: number, t: number): string {
  return `MEM ${mib(bytes)} ${seconds(t)}\n`;
}

export function mprofChild(id: number, bytes: number, t: number): string {
  return `CHLD ${id} ${mib(bytes)} ${seconds(t)}\n`;
}

/** A FUNC line: the function's span with the memory at its start and end (from the nearest samples). */
export function mprofFunc(span: MarkerSpan, memAt: (t: number) => number): string | undefined {
  if (span.end === undefined) return undefined;
  // mprof splits on spaces: a name with spaces would shift the numbers
  return `FUNC ${span.name.replace(/\s+/g, '_')} ${(memAt(span.start) / MiB).toFixed(4)} ${seconds(span.start)} ${(memAt(span.end) / MiB).toFixed(4)} ${seconds(span.end)} 0\n`;
}
