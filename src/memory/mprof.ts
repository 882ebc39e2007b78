/**
 * memory_profiler's mprofile .dat format, read and written (memory_profiler 0.61, mprof.py
 * read_mprofile_file and memory_profiler.py memory_usage):
 *   CMDLINE <command line>
 *   MEM <MiB, 6 decimals> <epoch seconds, 4 decimals>            the process (+ children with
 *                                                                  --include-children)
 *   CHLD <child id> <MiB> <epoch seconds>                         one child (--multiprocess); mprof
 *                                                                  numbers children, hog writes PIDs
 *   FUNC <name> <MiB at start> <t start> <MiB at end> <t end> [stack level]   a @profile'd call
 * MiB are 2^20 bytes. Lines that do not parse are skipped and counted, with their line numbers.
 */
import type { Sample } from './envelope.js';
import type { MarkerSpan } from './markers.js';
import type { Marker, RecordedSeries, Recording } from './recording.js';

const MiB = 1024 * 1024;

export interface MprofParse {
  recording: Recording;
  /** Lines skipped, with why (the first few kept for the report). */
  skipped: number;
  problems: { line: number; reason: string }[];
}

const number = (text: string | undefined): number | undefined => {
  if (text === undefined || !/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(text.trim())) return undefined;
  return Number(text);
};

export function parseMprof(text: string, source: string): MprofParse {
  let command = '';
  const main: Sample[] = [];
  const children = new Map<string, Sample[]>();
  const markers: Marker[] = [];
  const problems: { line: number; reason: string }[] = [];
  let skipped = 0;
  const skip = (line: number, reason: string) => {
    skipped++;
    if (problems.length < 20) problems.push({ line, reason });
  };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const [index, line] of lines.entries()) {
    const n = index + 1;
    const space = line.indexOf(' ');
    const field = space < 0 ? line : line.slice(0, space);
    const rest =
      space < 0
        ? []
        : line
            .slice(space + 1)
            .trim()
            .split(/\s+/);
    switch (field) {
      case 'CMDLINE':
        command = line.slice(space + 1).trim();
        break;
      case 'MEM': {
        const mib = number(rest[0]);
        const t = number(rest[1]);
        if (mib === undefined || t === undefined || mib < 0) skip(n, 'MEM needs <MiB> <seconds>');
        else main.push({ t: t * 1000, bytes: Math.round(mib * MiB) });
        break;
      }
      case 'CHLD': {
        const mib = number(rest[1]);
        const t = number(rest[2]);
        if (!rest[0] || mib === undefined || t === undefined || mib < 0)
          skip(n, 'CHLD needs <id> <MiB> <seconds>');
        else {
          const list = children.get(rest[0]) ?? [];
          list.push({ t: t * 1000, bytes: Math.round(mib * MiB) });
          children.set(rest[0], list);
        }
        break;
      }
      case 'FUNC': {
        const start = number(rest[2]);
        const end = number(rest[4]);
        if (
          !rest[0] ||
          number(rest[1]) === undefined ||
          start === undefined ||
          number(rest[3]) === undefined ||
          end === undefined
        ) {
          skip(n, 'FUNC needs <name> <MiB> <start> <MiB> <end>');
        } else {
          markers.push({ t: start * 1000, event: 'enter', name: rest[0] });
          markers.push({ t: end * 1000, event: 'exit', name: rest[0] });
        }
        break;
      }
      default:
        skip(
          n,
          line.trim() === '' ? 'empty line' : `unknown line type ${JSON.stringify(field.slice(0, 20))}`,
        );
    }
  }
  const order = (a: Sample, b: Sample) => a.t - b.t;
  main.sort(order);
  const first = main[0]?.t ?? [...children.values()][0]?.[0]?.t ?? 0;
  const last = main[main.length - 1]?.t ?? first;
  const series: RecordedSeries[] = [];
  if (main.length > 0) {
    series.push({
      id: 1,
      role: 'main',
      name: (command.split(' ')[0] ?? '').split('/').pop() ?? '',
      command,
      startedAt: first,
      endedAt: last,
      metrics: { rss: main },
    });
  }
  let id = 2;
  for (const [child, samples] of children) {
    samples.sort(order);
    const pid = /^\d+$/.test(child) && Number(child) > 0 ? Number(child) : undefined;
    series.push({
      id: id++,
      role: 'child',
      pid,
      name: pid === undefined ? `child ${child}` : '',
      command: '',
      startedAt: samples[0]?.t ?? first,
      endedAt: samples[samples.length - 1]?.t,
      metrics: { rss: samples },
    });
  }
  const intervals = main.slice(1).map((s, i) => s.t - (main[i] as Sample).t);
  intervals.sort((a, b) => a - b);
  return {
    recording: {
      run: {
        id: 0,
        kind: 'import',
        command,
        host: '',
        startedAt: first,
        endedAt: last,
        intervalMs: intervals.length > 0 ? intervals[intervals.length >> 1] : undefined,
      },
      series,
      markers,
      notes:
        skipped > 0
          ? [
              {
                t: last,
                kind: 'skipped',
                text: `${skipped} line${skipped === 1 ? '' : 's'} of ${source} skipped`,
              },
            ]
          : [],
      source,
    },
    skipped,
    problems,
  };
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
