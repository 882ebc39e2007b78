/**
 * The little of WebSocket (RFC 6455) that talking to a Node.js inspector needs: a client sends masked
 * text frames (section 5.3: every client frame is masked), the server sends unmasked text frames, and
 * either side may close. Node.js 20 has no WebSocket client without a flag, and the inspector only
 * speaks on 127.0.0.1, so a dependency would be out of proportion. Pure: bytes in, bytes out.
 */

export const OPCODE_TEXT = 0x1;
export const OPCODE_CLOSE = 0x8;
export const OPCODE_PING = 0x9;
export const OPCODE_PONG = 0xa;

/** One client frame, FIN set, payload masked with `mask` (4 random bytes). */
export function encodeClientFrame(opcode: number, payload: Buffer, mask: Buffer): Buffer {
  if (mask.length !== 4) throw new Error('a WebSocket mask is 4 bytes');
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + 4);
  header[0] = 0x80 | (opcode & 0x0f);
  if (lengthBytes === 0) header[1] = 0x80 | length;
  else if (lengthBytes === 2) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  mask.copy(header, 2 + lengthBytes);
  const body = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) body[i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return Buffer.concat([header, body]);
}

export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/**
 * Frames out of a byte stream that arrives in arbitrary pieces. Fragmented messages (FIN clear, then
 * continuation frames) are joined; a masked frame from the server is unmasked, though servers do not
 * mask. Frames larger than `maxBytes` are refused: an inspector reply here is a few hundred bytes.
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;

  constructor(private readonly maxBytes = 16 * 1024 * 1024) {}

  /** Feed bytes; returns every complete message (text, close, ping, pong) they finish. */
  push(bytes: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? bytes : Buffer.concat([this.pending, bytes]);
    const out: Frame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) break;
      if (frame.opcode === 0x0) {
        this.fragments.push(frame.payload);
        if (frame.fin) {
          out.push({ fin: true, opcode: this.fragmentOpcode, payload: Buffer.concat(this.fragments) });
          this.fragments = [];
        }
      } else if (!frame.fin) {
        this.fragmentOpcode = frame.opcode;
        this.fragments = [frame.payload];
      } else {
        out.push(frame);
      }
    }
    return out;
  }

  private next(): Frame | undefined {
    const b = this.pending;
    if (b.length < 2) return undefined;
    const fin = ((b[0] as number) & 0x80) !== 0;
    const opcode = (b[0] as number) & 0x0f;
    const masked = ((b[1] as number) & 0x80) !== 0;
    let length = (b[1] as number) & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(this.maxBytes)) throw new Error(`WebSocket frame of ${big} bytes is too large`);
      length = Number(big);
      offset = 10;
    }
    if (length > this.maxBytes) throw new Error(`WebSocket frame of ${length} bytes is too large`);
    const maskOffset = offset;
    if (masked) offset += 4;
    if (b.length < offset + length) return undefined;
    const payload = Buffer.from(b.subarray(offset, offset + length));
    if (masked)
      for (let i = 0; i < length; i++)
        payload[i] = (payload[i] as number) ^ (b[maskOffset + (i & 3)] as number);
    this.pending = b.subarray(offset + length);
    return { fin, opcode, payload };
  }
}
