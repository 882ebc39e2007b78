/**
 * An incremental parser for V8's .heapsnapshot format, fed the file chunk by chunk. The text is never
 * held in one string (V8 strings stop at ~512 MiB and snapshots reach several GiB): the small
 * `snapshot` head is parsed with JSON.parse, the number arrays (`nodes`, `edges`, `locations`, the
 * bulk of the file) are read digit by digit from the bytes straight into typed arrays, and `strings`
 * become one table entry each. Other sections (trace_tree, samples...) are skipped. Memory is then
 * proportional to the graph, not the text.
 *
 * The layout is V8's (src/profiler/heap-snapshot-generator.cc, HeapSnapshotJSONSerializer): a JSON
 * object whose `snapshot.meta` names the columns of the flat arrays; see snapshotLayout.ts.
 */
import { ColumnStore, type RawSnapshot } from './snapshotColumns.js';
import { LayoutProblem, layoutOf, type SnapshotLayout } from './snapshotLayout.js';

export type { RawSnapshot } from './snapshotColumns.js';

/** A problem found at a byte offset; the reader turns it into a SnapshotFormatError with the file name. */
export class ParseProblem extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const State = {
  Start: 0,
  KeyOrEnd: 1,
  Key: 2,
  Colon: 3,
  Value: 4,
  Raw: 5,
  Skip: 6,
  ArrayStart: 7,
  Numbers: 8,
  Strings: 9,
  StringBody: 10,
  Done: 11,
} as const;
type StateKind = (typeof State)[keyof typeof State];

const Section = { None: 0, Nodes: 1, Edges: 2, Locations: 3, Strings: 4 } as const;
type SectionKind = (typeof Section)[keyof typeof Section];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COLON = 0x3a;
/** The snapshot head is ~1 KiB; a file whose head is larger than this is not a V8 snapshot. */
const MAX_HEAD_BYTES = 1024 * 1024;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function describe(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? `'${String.fromCharCode(byte)}'` : `byte 0x${byte.toString(16)}`;
}

export class SnapshotParser {
  private state: StateKind = State.Start;
  private base = 0;
  private key = '';
  private keyParts: Buffer[] = [];
  private section: SectionKind = Section.None;
  private headParts: Buffer[] = [];
  private headBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private stringParts: Buffer[] = [];
  private stringHasEscape = false;
  private layout: SnapshotLayout | undefined;
  private seen = new Set<string>();
  // number array state
  private value = 0;
  private digits = 0;
  private column = 0;
  private row = 0;
  private rows = 0;
  private fieldCount = 1;
  private columns: ColumnStore | undefined;
  private readonly strings: string[] = [];

  /** `totalBytes` (the file size) bounds the counts the head may claim, so a forged head cannot make hog allocate gigabytes. */
  /**
   * `totalBytes` (the file size) bounds the counts the head may claim; `edgeNames: false` and
   * `ids: false` parse but do not keep the edges' names and the nodes' ids (4 bytes each; a summary
   * shows neither).
   */
  constructor(
    private readonly totalBytes = Number.POSITIVE_INFINITY,
    private readonly keep: { edgeNames?: boolean; ids?: boolean } = {},
  ) {}

  /** Bytes consumed so far. */
  get offset(): number {
    return this.base;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      switch (this.state) {
        case State.Numbers:
          pos = this.numbers(chunk, pos);
          break;
        case State.StringBody:
          pos = this.stringBody(chunk, pos);
          break;
        case State.Raw:
        case State.Skip:
          pos = this.rawValue(chunk, pos);
          break;
        case State.Key:
          pos = this.keyBody(chunk, pos);
          break;
        case State.Value: {
          // the first byte of a value decides how to read it, and is then read by that state
          const byte = chunk[pos] as number;
          if (isSpace(byte)) pos++;
          else this.startValue(pos);
          break;
        }
        default:
          this.structural(chunk[pos] as number, pos);
          pos++;
      }
    }
    this.base += end;
  }

  /** The parsed snapshot; throws when the input ended early or disagrees with its own head. */
  finish(): RawSnapshot {
    if (this.state !== State.Done) {
      const where = this.section === Section.None ? '' : ` inside the "${this.key}" array`;
      const counted =
        this.state === State.Numbers
          ? ` (row ${this.row} of ${this.rows})`
          : this.state === State.StringBody
            ? ' (in a string)'
            : '';
      throw new ParseProblem(this.base, `truncated heap snapshot: the file ends${where}${counted}`);
    }
    for (const name of ['snapshot', 'nodes', 'edges', 'strings']) {
      if (!this.seen.has(name)) throw new ParseProblem(this.base, `no "${name}" section`);
    }
    if (!this.layout || !this.columns) throw new ParseProblem(this.base, 'no snapshot head');
    const result = this.columns.finish(this.strings);
    if (typeof result === 'string') throw new ParseProblem(this.base, result);
    return result;
  }

  private fail(pos: number, message: string): never {
    throw new ParseProblem(this.base + pos, message);
  }

  /** The bytes between values of the top-level object. */
  private structural(byte: number, pos: number): void {
    if (isSpace(byte)) return;
    switch (this.state) {
      case State.Start:
        if (byte !== OPEN_BRACE)
          this.fail(pos, `not a V8 heap snapshot: it starts with ${describe(byte)}, not a JSON object`);
        this.state = State.KeyOrEnd;
        return;
      case State.KeyOrEnd:
        if (byte === COMMA) return;
        if (byte === CLOSE_BRACE) {
          this.state = State.Done;
          return;
        }
        if (byte !== QUOTE) this.fail(pos, `unexpected ${describe(byte)} between sections`);
        this.keyParts = [];
        this.state = State.Key;
        return;
      case State.Colon:
        if (byte !== COLON) this.fail(pos, `unexpected ${describe(byte)} after "${this.key}"`);
        this.state = State.Value;
        return;
      case State.ArrayStart:
        if (byte !== OPEN_BRACKET) this.fail(pos, `"${this.key}" is not an array`);
        this.state = this.section === Section.Strings ? State.Strings : State.Numbers;
        return;
      case State.Strings:
        if (byte === COMMA) return;
        if (byte === CLOSE_BRACKET) {
          this.endSection();
          return;
        }
        if (byte !== QUOTE) this.fail(pos, `unexpected ${describe(byte)} in the strings array`);
        this.stringParts = [];
        this.stringHasEscape = false;
        this.state = State.StringBody;
        return;
      case State.Done:
        this.fail(pos, `unexpected ${describe(byte)} after the end of the snapshot`);
    }
  }

  private keyBody(chunk: Buffer, pos: number): number {
    const close = chunk.indexOf(QUOTE, pos);
    const stop = close === -1 ? chunk.length : close;
    this.keyParts.push(chunk.subarray(pos, stop));
    if (stop - pos > 256) this.fail(pos, 'a section name longer than 256 bytes: not a V8 heap snapshot');
    if (close === -1) return chunk.length;
    this.key = Buffer.concat(this.keyParts).toString('latin1');
    if (this.seen.size === 0 && this.key !== 'snapshot') {
      this.fail(pos, `not a V8 heap snapshot: its first key is "${this.key.slice(0, 40)}", not "snapshot"`);
    }
    if (this.seen.has(this.key)) this.fail(pos, `a second "${this.key}" section`);
    this.seen.add(this.key);
    this.state = State.Colon;
    return close + 1;
  }

  private startValue(pos: number): void {
    const key = this.key;
    if (key === 'nodes' || key === 'edges' || key === 'locations' || key === 'strings') {
      if (!this.layout) this.fail(pos, `"${key}" comes before the snapshot head`);
      this.beginSection(key, pos);
      this.state = State.ArrayStart;
      return;
    }
    this.state = key === 'snapshot' ? State.Raw : State.Skip;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.headParts = [];
    this.headBytes = 0;
  }

  /** A value hog keeps as JSON text (the head) or skips: track strings and nesting to find its end. */
  private rawValue(chunk: Buffer, pos: number): number {
    const start = pos;
    const end = chunk.length;
    while (pos < end && (this.state === State.Raw || this.state === State.Skip)) {
      const byte = chunk[pos] as number;
      if (this.depth === 0 && !this.inString && (byte === CLOSE_BRACE || byte === CLOSE_BRACKET)) {
        // a scalar value ends at the object's closing brace, which is not part of it
        this.state = State.KeyOrEnd;
        break;
      }
      this.rawByte(byte);
      pos++;
    }
    if (this.key === 'snapshot') {
      this.keepHead(chunk, start, pos);
      if (this.state === State.KeyOrEnd) this.parseHead(pos);
    }
    return pos;
  }

  private rawByte(byte: number): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (byte === BACKSLASH) this.escaped = true;
      else if (byte === QUOTE) this.inString = false;
      return;
    }
    if (byte === QUOTE) this.inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      this.depth--;
      if (this.depth <= 0) this.state = State.KeyOrEnd;
    } else if (this.depth === 0 && byte === COMMA) this.state = State.KeyOrEnd;
  }

  private keepHead(chunk: Buffer, start: number, stop: number): void {
    this.headParts.push(Buffer.from(chunk.subarray(start, stop)));
    this.headBytes += stop - start;
    if (this.headBytes > MAX_HEAD_BYTES)
      this.fail(stop, 'the snapshot head is larger than 1 MiB: not a V8 heap snapshot');
  }

  private parseHead(pos: number): void {
    let head: unknown;
    try {
      head = JSON.parse(Buffer.concat(this.headParts).toString('utf8'));
    } catch (error) {
      this.fail(pos, `the snapshot head is not valid JSON (${(error as Error).message})`);
    }
    this.headParts = [];
    try {
      this.layout = layoutOf(head);
    } catch (error) {
      if (error instanceof LayoutProblem) this.fail(pos, error.message);
      throw error;
    }
    this.columns = new ColumnStore(this.layout, this.keep.edgeNames !== false, this.keep.ids !== false);
    const { nodeCount, edgeCount, nodeFieldCount, edgeFieldCount } = this.layout;
    // each value takes at least two bytes ("0,"): a head that claims more cannot be this file's
    if ((nodeCount * nodeFieldCount + edgeCount * edgeFieldCount) * 2 > this.totalBytes) {
      this.fail(
        pos,
        `the head claims ${nodeCount} nodes and ${edgeCount} edges, more than the file can hold`,
      );
    }
  }

  private beginSection(key: string, pos: number): void {
    this.row = 0;
    this.value = 0;
    this.digits = 0;
    if (key === 'strings') {
      this.section = Section.Strings;
      return;
    }
    if (key !== 'nodes' && !this.seen.has('nodes')) this.fail(pos, `"${key}" comes before "nodes"`);
    this.section = key === 'nodes' ? Section.Nodes : key === 'edges' ? Section.Edges : Section.Locations;
    const shape = (this.columns as ColumnStore).begin(key as 'nodes' | 'edges' | 'locations');
    this.rows = shape.rows;
    this.fieldCount = shape.fieldCount;
    this.rowValues = shape.rowValues;
    this.column = 0;
  }

  private endSection(): void {
    if (this.section === Section.Locations) this.columns?.endLocations(this.row);
    this.section = Section.None;
    this.state = State.KeyOrEnd;
  }

  /** The hot loop: digits straight from the bytes, no strings made. */
  private numbers(chunk: Buffer, pos: number): number {
    const end = chunk.length;
    let value = this.value;
    let digits = this.digits;
    // a number was stored and no comma came yet (whitespace may end a number before its comma)
    let afterValue = this.afterValue;
    let column = this.column;
    const values = this.rowValues;
    const fieldCount = this.fieldCount;
    while (pos < end) {
      const byte = chunk[pos] as number;
      const digit = byte - 0x30;
      if (digit >= 0 && digit <= 9) {
        if (afterValue) this.fail(pos, `a missing comma in the "${this.key}" array`);
        value = value * 10 + digit;
        if (++digits > 15) this.fail(pos, `a number longer than 15 digits in the "${this.key}" array`);
      } else if (byte === COMMA || byte === CLOSE_BRACKET || isSpace(byte)) {
        if (digits > 0) {
          values[column] = value;
          if (++column === fieldCount) {
            this.commitRow(pos);
            column = 0;
          }
          value = 0;
          digits = 0;
          afterValue = true;
        }
        if (byte === COMMA) {
          if (!afterValue) this.fail(pos, `an empty value in the "${this.key}" array`);
          afterValue = false;
        } else if (byte === CLOSE_BRACKET) {
          this.column = column;
          if (!afterValue && (this.row > 0 || column > 0))
            this.fail(pos, `a trailing comma in the "${this.key}" array`);
          this.finishNumbers(pos);
          this.value = 0;
          this.digits = 0;
          this.afterValue = false;
          return pos + 1;
        }
      } else {
        this.fail(pos, `unexpected ${describe(byte)} in the "${this.key}" array`);
      }
      pos++;
    }
    this.value = value;
    this.digits = digits;
    this.afterValue = afterValue;
    this.column = column;
    return pos;
  }

  private afterValue = false;

  private rowValues: Float64Array = new Float64Array(1);

  /** One complete row of values, handed to the column store. */
  private commitRow(pos: number): void {
    if (this.row >= this.rows)
      this.fail(pos, `more values in the "${this.key}" array than the head's count (${this.rows})`);
    const problem = (this.columns as ColumnStore).commit(this.row++);
    if (problem !== undefined) this.fail(pos, problem);
  }

  private finishNumbers(pos: number): void {
    if (this.column !== 0) this.fail(pos, `the "${this.key}" array ends in the middle of a row`);
    if (this.section !== Section.Locations && this.row !== this.rows) {
      this.fail(pos, `the "${this.key}" array has ${this.row} rows, the head says ${this.rows}`);
    }
    this.endSection();
  }

  /** One JSON string of the strings table; plain ones are decoded from the bytes, escaped ones by JSON.parse. */
  private stringBody(chunk: Buffer, pos: number): number {
    const start = pos;
    const end = chunk.length;
    let escaped = this.escaped;
    while (pos < end) {
      const byte = chunk[pos] as number;
      if (escaped) escaped = false;
      else if (byte === BACKSLASH) {
        escaped = true;
        this.stringHasEscape = true;
      } else if (byte === QUOTE) break;
      pos++;
    }
    this.escaped = escaped;
    if (pos === end) {
      this.stringParts.push(Buffer.from(chunk.subarray(start, pos)));
      return pos;
    }
    const bytes =
      this.stringParts.length === 0
        ? chunk.subarray(start, pos)
        : Buffer.concat([...this.stringParts, chunk.subarray(start, pos)]);
    this.stringParts = [];
    let text = bytes.toString('utf8');
    if (this.stringHasEscape) {
      try {
        text = JSON.parse(`"${text}"`) as string;
      } catch {
        this.fail(pos, 'a string with an invalid escape in the strings array');
      }
    }
    this.strings.push(text);
    this.state = State.Strings;
    return pos + 1;
  }
}
