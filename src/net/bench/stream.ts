/**
 * Moving bytes for `hog net bench`: a sender that keeps the socket's buffer full with one reused
 * 1 MiB buffer, and a receiver that reads into one reused buffer (Node's `onread` option: no
 * allocation per read), each counting bytes so the test can take per-interval figures.
 */
import { Socket } from 'node:net';
import { WRITE_SIZE } from './protocol.js';

const payload = Buffer.alloc(WRITE_SIZE, 0x68);
/** Queue up to 4 MiB (four writes) in Node before waiting for 'drain': fewer wake-ups per byte. */
export const SEND_HIGH_WATER_MARK = 4 * 1024 * 1024;
/** Every receiving socket reads into this buffer; each read is counted before the next one. */
const readBuffer = Buffer.alloc(256 * 1024);

export interface StreamCounter {
  /** Bytes moved so far (sender: handed to the kernel; receiver: read). */
  bytes(): number;
}

/** Write until halt(); stop() then ends the stream and resolves when everything was flushed. */
export function startSending(socket: Socket): StreamCounter & { halt(): void; stop(): Promise<void> } {
  let stopped = false;
  // the data header went before the session: count only payload
  const base = socket.bytesWritten;
  const pump = () => {
    while (!stopped) {
      if (!socket.write(payload)) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
  return {
    bytes: () => Math.max(0, socket.bytesWritten - socket.writableLength - base),
    halt: () => {
      stopped = true;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        stopped = true;
        socket.end(() => resolve());
        socket.once('close', () => resolve());
      }),
  };
}

/** What a reading socket hands over: raw bytes as they arrive (valid only during the call). */
export type ReadHandler = (bytes: Buffer) => void;

/** Socket options that read into the shared buffer and pass each read to `handler`. */
export function onreadOptions(handler: ReadHandler) {
  return {
    onread: {
      buffer: readBuffer,
      callback: (length: number, buffer: Uint8Array) => {
        handler(Buffer.from(buffer.buffer, buffer.byteOffset, length));
        return true;
      },
    },
  };
}

/**
 * Re-wrap a socket accepted by a server (created with pauseOnConnect, so nothing was read yet) so it
 * reads into the shared buffer too: net.Server has no onread option, so its handle moves to a new
 * Socket that has one.
 */
export function adoptAccepted(accepted: Socket, handler: ReadHandler): Socket {
  const internal = accepted as unknown as { _handle: unknown };
  const handle = internal._handle;
  internal._handle = null;
  // the husk closes at once, so the server's connection count stays right
  accepted.destroy();
  const socket = new Socket({
    handle,
    readable: true,
    writable: true,
    writableHighWaterMark: SEND_HIGH_WATER_MARK,
    ...onreadOptions(handler),
  } as never);
  socket.resume();
  return socket;
}

/** A receiving stream's count, fed by its read handler, and when its last bytes came. */
export class ReadCounter implements StreamCounter {
  private count = 0;
  /** performance.now() of the last read with data. */
  lastAt = 0;

  add(bytes: number): void {
    this.count += bytes;
    this.lastAt = performance.now();
  }

  bytes(): number {
    return this.count;
  }
}
