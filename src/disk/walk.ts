/**
 * Run a scan with the native walker when it is built, else the JavaScript one. HOG_DISK_WALKER=js or
 * =native forces one (tests run both on the same trees; the benchmark names the one it measured).
 */
import { availableParallelism } from 'node:os';
import { UnsupportedError } from '../errors.js';
import { walkJs } from './jsWalker.js';
import { loadNativeWalker, walkNative } from './nativeWalker.js';
import type { RawScan, WalkerInfo, WalkProgress, WalkRequest } from './scanTypes.js';

export type WalkerChoice = 'auto' | 'native' | 'js';

/**
 * Threads for the native walker: 16, or 2 per core on a machine with more than 8 cores, at most 64.
 * A scan with a cold cache waits on the disk for each directory block and inode it reads, so its pace
 * is set by the reads in flight, not by the cores: `hog disk /usr` (170k entries, caches dropped, on 2
 * cores) took 1.8-2.8 s with 2 threads, 1.2-1.7 s with 16, and no less with 32 or 64 (bench/RESULTS.md).
 * With a warm cache the extra threads cost nothing measurable; each holds a 256 KiB listing buffer.
 */
export function defaultThreads(cores = availableParallelism()): number {
  return Math.min(64, Math.max(16, 2 * cores));
}

export function walkerChoice(env: NodeJS.ProcessEnv = process.env): WalkerChoice {
  const value = env.HOG_DISK_WALKER;
  return value === 'js' || value === 'native' ? value : 'auto';
}

export async function walk(
  request: WalkRequest,
  options: { choice?: WalkerChoice; onProgress?: (progress: WalkProgress) => void } = {},
): Promise<{ raw: RawScan; walker: WalkerInfo }> {
  const choice = options.choice ?? walkerChoice();
  if (choice !== 'js') {
    const { addon, error } = loadNativeWalker();
    if (addon) {
      const raw = await walkNative(addon, request, options.onProgress);
      return { raw, walker: { kind: 'native', threads: raw.threads } };
    }
    if (choice === 'native') {
      throw new UnsupportedError(`HOG_DISK_WALKER=native, but ${error}`, {
        hint: "install a C++ compiler (apt-get install build-essential), then run `npm run build` in hog's directory",
      });
    }
    const raw = await walkJs(request, options.onProgress);
    return { raw, walker: { kind: 'js', threads: 1, reason: error } };
  }
  const raw = await walkJs(request, options.onProgress);
  return { raw, walker: { kind: 'js', threads: 1, reason: 'HOG_DISK_WALKER=js' } };
}
