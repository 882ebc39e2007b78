import { describe, expect, it } from 'vitest';
import {
  encodeClientFrame,
  FrameReader,
  OPCODE_CLOSE,
  OPCODE_TEXT,
} from '../../src/memory/webSocketFrames.js';

const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

/** A server's (unmasked) frame, written by hand from RFC 6455 section 5.2. */
function serverFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const head =
    payload.length < 126
      ? Buffer.from([(fin ? 0x80 : 0) | opcode, payload.length])
      : Buffer.from([(fin ? 0x80 : 0) | opcode, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, payload]);
}

describe('encodeClientFrame', () => {
  it('masks the payload as RFC 6455\'s example does ("Hello", section 5.7)', () => {
    const frame = encodeClientFrame(OPCODE_TEXT, Buffer.from('Hello'), mask);
    expect([...frame]).toEqual([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
  });

  it('uses the 7-bit, 16-bit and 64-bit lengths at their limits, and reads back what it wrote', () => {
    for (const length of [0, 125, 126, 65535, 65536, 200_000]) {
      const payload = Buffer.alloc(length, 0x61);
      const frame = encodeClientFrame(OPCODE_TEXT, payload, mask);
      const headerLength = length < 126 ? 2 : length <= 0xffff ? 4 : 10;
      expect(frame.length).toBe(headerLength + 4 + length);
      expect((frame[1] as number) & 0x7f).toBe(length < 126 ? length : length <= 0xffff ? 126 : 127);
      const [decoded] = new FrameReader().push(frame);
      expect(decoded?.opcode).toBe(OPCODE_TEXT);
      expect(decoded?.payload.equals(payload)).toBe(true);
    }
  });

  it('refuses a mask that is not 4 bytes', () => {
    expect(() => encodeClientFrame(OPCODE_TEXT, Buffer.from('x'), Buffer.alloc(3))).toThrow(/4 bytes/);
  });
});

describe('FrameReader', () => {
  it('waits for frames that arrive a byte at a time, and returns each once complete', () => {
    const bytes = Buffer.concat([
      serverFrame(OPCODE_TEXT, Buffer.from('{"id":1}')),
      serverFrame(OPCODE_TEXT, Buffer.alloc(300, 0x62)),
      serverFrame(OPCODE_CLOSE, Buffer.from([0x03, 0xe8])),
    ]);
    const reader = new FrameReader();
    const frames = [...bytes].flatMap((b) => reader.push(Buffer.from([b])));
    expect(frames.map((f) => [f.opcode, f.payload.length])).toEqual([
      [OPCODE_TEXT, 8],
      [OPCODE_TEXT, 300],
      [OPCODE_CLOSE, 2],
    ]);
    expect(frames[0]?.payload.toString()).toBe('{"id":1}');
  });

  it('joins a fragmented message (FIN clear, then continuation frames)', () => {
    const reader = new FrameReader();
    const frames = reader.push(
      Buffer.concat([
        serverFrame(OPCODE_TEXT, Buffer.from('{"id":'), false),
        serverFrame(0x0, Buffer.from('42,"result"'), false),
        serverFrame(0x0, Buffer.from(':{}}')),
      ]),
    );
    expect(frames).toHaveLength(1);
    expect(frames[0]?.opcode).toBe(OPCODE_TEXT);
    expect(frames[0]?.payload.toString()).toBe('{"id":42,"result":{}}');
  });

  it('refuses a frame larger than its limit, before waiting for its bytes', () => {
    const reader = new FrameReader(1000);
    expect(() => reader.push(serverFrame(OPCODE_TEXT, Buffer.alloc(2000)).subarray(0, 10))).toThrow(
      /2000 bytes is too large/,
    );
  });
});
