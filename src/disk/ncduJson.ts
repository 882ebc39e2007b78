/**
 * The JSON reading under ncduParser.ts: a cursor over the export's bytes that reads strings (as bytes:
 * a name that is not UTF-8 stays as ncdu wrote it), atoms (numbers, true, false, null) and skips any
 * value, without building objects. Errors come from `fail`, with the byte offset in the message.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const ESCAPES: Record<number, number> = {
  34: 0x22,
  92: 0x5c,
  47: 0x2f,
  98: 8,
  102: 12,
  110: 10,
  114: 13,
  116: 9,
};

/** Numbers and true/false/null: letters, digits, sign, dot. */
function atomChar(c: number | undefined): boolean {
  return (
    c !== undefined &&
    ((c >= 0x30 && c <= 0x39) ||
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      c === 0x2d ||
      c === 0x2b ||
      c === 0x2e)
  );
}

export class JsonBytes {
  pos = 0;
  private readonly end: number;

  constructor(
    private readonly bytes: Buffer,
    readonly fail: (why: string) => Error,
  ) {
    this.end = bytes.length;
  }

  where(): string {
    return `at byte ${this.pos}`;
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.bytes[this.pos];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  /** The next byte that is not white space (not consumed). */
  peek(): number | undefined {
    this.skipSpace();
    return this.bytes[this.pos];
  }

  expect(ch: string): void {
    if (this.peek() !== ch.charCodeAt(0)) throw this.fail(`expected "${ch}" ${this.where()}`);
    this.pos++;
  }

  /** A JSON string as bytes (pos at its opening quote). */
  readString(): Buffer {
    const bytes = this.bytes;
    if (this.peek() !== QUOTE) throw this.fail(`expected a string ${this.where()}`);
    this.pos++;
    const parts: Buffer[] = [];
    let from = this.pos;
    for (;;) {
      if (this.pos >= this.end) throw this.fail('a string is not closed');
      const c = bytes[this.pos];
      if (c === QUOTE) {
        parts.push(bytes.subarray(from, this.pos));
        this.pos++;
        return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
      }
      if (c !== BACKSLASH) {
        this.pos++;
        continue;
      }
      parts.push(bytes.subarray(from, this.pos));
      parts.push(this.readEscape());
      from = this.pos;
    }
  }

  /** The bytes of one escape (pos at its backslash): \uXXXX (a surrogate pair joined), or \n and the like. */
  private readEscape(): Buffer {
    const bytes = this.bytes;
    const e = bytes[this.pos + 1] as number;
    if (e === 0x75) {
      let code = Number.parseInt(bytes.toString('latin1', this.pos + 2, this.pos + 6), 16);
      this.pos += 6;
      // a surrogate pair: \ud83d\ude00
      if (code >= 0xd800 && code < 0xdc00 && bytes[this.pos] === BACKSLASH && bytes[this.pos + 1] === 0x75) {
        const low = Number.parseInt(bytes.toString('latin1', this.pos + 2, this.pos + 6), 16);
        if (low >= 0xdc00 && low < 0xe000) {
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
          this.pos += 6;
        }
      }
      if (Number.isNaN(code)) throw this.fail(`a bad \\u escape ${this.where()}`);
      return Buffer.from(String.fromCodePoint(code));
    }
    const byte = ESCAPES[e];
    if (byte === undefined) throw this.fail(`a bad escape ${this.where()}`);
    this.pos += 2;
    return Buffer.from([byte]);
  }

  readAtom(): string {
    this.skipSpace();
    const from = this.pos;
    while (atomChar(this.bytes[this.pos])) this.pos++;
    if (this.pos === from) throw this.fail(`expected a value ${this.where()}`);
    return this.bytes.toString('latin1', from, this.pos);
  }

  /** Skip any value (metadata, keys hog does not use). */
  skipValue(): void {
    const c = this.peek();
    if (c === QUOTE) {
      this.readString();
      return;
    }
    if (c === 0x5b || c === 0x7b) {
      const close = c === 0x5b ? 0x5d : 0x7d;
      this.pos++;
      if (this.peek() === close) {
        this.pos++;
        return;
      }
      for (;;) {
        if (c === 0x7b) {
          this.readString();
          this.expect(':');
        }
        this.skipValue();
        const next = this.peek();
        this.pos++;
        if (next === close) return;
        if (next !== 0x2c) throw this.fail(`expected "," ${this.where()}`);
      }
    }
    this.readAtom();
  }
}
