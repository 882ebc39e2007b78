/**
 * Moving bytes for `hog net bench`: a sender that keeps the socket's buffer full with one reused
 * 128 KiB buffer, and a receiver that reads into one reused buffer (no allocation per read), each
 * counting bytes so the test can take per-interval figures.
 */
import type { Socket } from 'node:net';
import { WRITE_SIZE } from './protocol.js';

const payload = Buffer.alloc(WRITE_SIZE, 0x68);

export interface StreamCounter {
  /** Bytes moved so far (sender: handed to the kernel; receiver: read). */
  bytes(): number;
}

/** Write until stop() is called, then end the stream; resolves when everything was flushed. */
export function startSending(socket: Socket): StreamCounter & { stop(): Promise<void> } {
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
    stop: () =>
      new Promise<void>((resolve) => {
        stopped = true;
        socket.end(() => resolve());
        socket.once('close', () => resolve());
      }),
  };
}

/** Count what arrives; `onEnd` when the sender closes the stream. */
export function startReceiving(socket: Socket, initial: number, onEnd: () => void): StreamCounter {
  let received = initial;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
  });
  let ended = false;
  const end = () => {
    if (!ended) onEnd();
    ended = true;
  };
  socket.once('end', end);
  socket.once('close', end);
  socket.resume();
  return { bytes: () => received };
}
