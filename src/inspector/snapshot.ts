/**
 * A heap snapshot of a running Node.js process, streamed to a file: HeapProfiler.takeHeapSnapshot over
 * the inspector, each HeapProfiler.addHeapSnapshotChunk written as it arrives (a snapshot can be
 * gigabytes; V8 strings stop at ~512 MiB), with backpressure: while the file lags, hog stops reading
 * the socket. The inspector is opened (attach.ts), the close guard renewed right before the snapshot,
 * and everything closed again on every path, so the process is left as it was; HeapProfiler.disable
 * frees the object-id map V8 keeps after a snapshot.
 * The file is written as FILE.part (mode 0600: a heap holds the process's secrets) and renamed when
 * complete; an existing FILE is never overwritten.
 */
import { createWriteStream, existsSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { HogError, isDiskFull, UsageError } from '../errors.js';
import { type Attachment, type AttachOptions, attachInspector, CALL_TIMEOUT_MS } from './attach.js';
import { headroomShortfalls, readHeadroom } from './headroom.js';
import { parseMemoryUsage } from './heapReading.js';

export interface CaptureOptions {
  /** Send SIGUSR1 without knowing whether the application handles it; skip the headroom check. */
  force?: boolean;
  /** Send SIGUSR1 as with force, but keep the headroom check (hog heap snapshot --sigusr1). */
  sigusr1?: boolean;
  /** Bytes written so far, and an estimate of the file's size (ESTIMATE_PER_HEAP_BYTE x heapUsed). */
  onProgress?: (doneBytes: number, estimatedTotalBytes?: number) => void;
  signal?: AbortSignal;
  procRoot?: string;
  /** Leave HeapProfiler enabled after the snapshot, so V8 keeps its object ids for the next one. */
  keepObjectIds?: boolean;
  /** See AttachOptions.watchdog (the CLI passes inspectorWatchdog). */
  watchdog?: AttachOptions['watchdog'];
}

/** A snapshot file's size per byte of heapUsed: 1.46 measured on 200k small objects (Node.js 20). */
const ESTIMATE_PER_HEAP_BYTE = 1.5;

/** Up to this long for V8 to build and send the snapshot: 2 min, plus a minute per GiB of heap. */
function snapshotTimeoutMs(heapBytes: number): number {
  return 120_000 + Math.ceil(heapBytes / 2 ** 30) * 60_000;
}

export async function captureHeapSnapshot(
  pid: number,
  file: string,
  options: CaptureOptions = {},
): Promise<{ bytes: number; file: string }> {
  const procRoot = options.procRoot ?? '/proc';
  options.signal?.throwIfAborted();
  const target = resolve(file);
  if (existsSync(target)) {
    throw new UsageError(`${JSON.stringify(file)} already exists`, {
      hint: 'hog never overwrites a file: remove it or choose another -o',
    });
  }
  const attachment = await attachInspector(pid, procRoot, {
    force: options.force || options.sigusr1,
    consentFlag: '--sigusr1',
    watchdog: options.watchdog,
  });
  try {
    const heapBytes = await heapUsedWithRoom(
      attachment,
      pid,
      target,
      procRoot,
      options.force,
      ', write elsewhere with -o',
    );
    const bytes = await streamSnapshot(attachment, `${target}.part`, heapBytes, options);
    renameSync(`${target}.part`, target);
    return { bytes, file: target };
  } finally {
    await attachment.release();
  }
}

/**
 * The target's heap in use, read through the session, after checking that a snapshot of it fits:
 * roughly the heap again in the target's RAM and ~1.5x on disk (refused with the numbers, unless
 * forced). `elsewhere` adds the way out that applies (-o for a single snapshot).
 */
async function heapUsedWithRoom(
  attachment: Attachment,
  pid: number,
  target: string,
  procRoot: string,
  force: boolean | undefined,
  elsewhere: string,
): Promise<number> {
  const usage = parseMemoryUsage(
    await attachment.session.evaluate('process.memoryUsage()', CALL_TIMEOUT_MS),
    pid,
    Date.now(),
  );
  const heapBytes = usage?.heapUsed ?? 0;
  if (!force) {
    const short = headroomShortfalls(readHeadroom(pid, heapBytes, dirname(target), procRoot));
    if (short.length > 0) {
      throw new UsageError(`not enough room for a heap snapshot of PID ${pid}: ${short.join('; ')}`, {
        hint: `free memory or disk${elsewhere}, or --force to take it anyway`,
      });
    }
  }
  return heapBytes;
}

async function streamSnapshot(
  attachment: Attachment,
  partPath: string,
  heapBytes: number,
  options: CaptureOptions,
): Promise<number> {
  const { session } = attachment;
  const out = createWriteStream(partPath, { flags: 'wx', mode: 0o600 });
  let bytes = 0;
  let writeError: Error | undefined;
  out.on('error', (error) => {
    writeError = error;
    session.resume(); // no 'drain' follows an error: let the rest of the snapshot pass unwritten
  });
  session.on('HeapProfiler.addHeapSnapshotChunk', (params) => {
    const chunk = (params as { chunk?: unknown }).chunk;
    if (typeof chunk !== 'string' || writeError) return;
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) {
      session.pause();
      out.once('drain', () => session.resume());
    }
    options.onProgress?.(bytes, heapBytes > 0 ? Math.round(heapBytes * ESTIMATE_PER_HEAP_BYTE) : undefined);
  });
  try {
    await attachment.renew();
    await session.call('HeapProfiler.enable', {}, CALL_TIMEOUT_MS);
    // V8 builds the whole graph (the process paused) before the first chunk: say so at 0 bytes
    options.onProgress?.(0, heapBytes > 0 ? Math.round(heapBytes * ESTIMATE_PER_HEAP_BYTE) : undefined);
    await abortable(
      session.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, snapshotTimeoutMs(heapBytes)),
      options.signal,
    );
    // disable makes V8 forget its object ids; a series (captureHeapSnapshotSeries) needs them kept
    if (!options.keepObjectIds)
      await session.call('HeapProfiler.disable', {}, CALL_TIMEOUT_MS).catch(() => undefined);
    if (writeError) throw writeError;
    await finish(out);
    if (writeError) throw writeError;
    return bytes;
  } catch (error) {
    out.destroy();
    rmSync(partPath, { force: true });
    if (isDiskFull(error)) {
      throw new HogError(`disk full after ${bytes} bytes of the snapshot; ${partPath} removed`, {
        hint: 'write it elsewhere with -o (the snapshot takes about the heap size, see hog heap snapshot --help)',
        cause: error,
      });
    }
    throw error;
  }
}

function finish(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
}

/** The promise, or a rejection as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** How often a series renews the close guard's lease while it waits between snapshots. */
const SERIES_RENEW_MS = 2000;

/**
 * Several snapshots of one process through one inspector session, for comparing them by object id
 * (hog heap leak): V8 forgets its object ids when a session closes or HeapProfiler is disabled, so
 * the session stays open, HeapProfiler enabled, from the first snapshot to the last, with the close
 * guard's lease renewed while `between(i)` runs before snapshot i (i >= 1).
 */
export async function captureHeapSnapshotSeries(
  pid: number,
  files: string[],
  between: (index: number) => Promise<void>,
  options: CaptureOptions & { onSnapshot?: (index: number, bytes: number) => void } = {},
): Promise<{ bytes: number; file: string }[]> {
  const procRoot = options.procRoot ?? '/proc';
  options.signal?.throwIfAborted();
  const targets = files.map((file) => resolve(file));
  const existing = targets.find((target) => existsSync(target));
  if (existing)
    throw new UsageError(`${JSON.stringify(existing)} already exists`, {
      hint: 'hog never overwrites a file',
    });
  const attachment = await attachInspector(pid, procRoot, {
    force: options.force || options.sigusr1,
    consentFlag: '--sigusr1',
    watchdog: options.watchdog,
  });
  const taken: { bytes: number; file: string }[] = [];
  try {
    for (const [index, target] of targets.entries()) {
      if (index > 0) {
        const lease = setInterval(() => attachment.renew().catch(() => undefined), SERIES_RENEW_MS);
        try {
          await between(index);
        } finally {
          clearInterval(lease);
        }
      }
      const heapBytes = await heapUsedWithRoom(attachment, pid, target, procRoot, options.force, '');
      const bytes = await streamSnapshot(attachment, `${target}.part`, heapBytes, {
        ...options,
        keepObjectIds: true,
      });
      // the last chunk may have paused the socket for the file's backpressure, and a file that has
      // ended emits no 'drain': read on, for the requests that follow in this session
      attachment.session.resume();
      renameSync(`${target}.part`, target);
      taken.push({ bytes, file: target });
      options.onSnapshot?.(index, bytes);
    }
    await attachment.session.call('HeapProfiler.disable', {}, CALL_TIMEOUT_MS).catch(() => undefined);
    return taken;
  } finally {
    await attachment.release();
  }
}
