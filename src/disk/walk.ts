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

/** Threads for the native walker: one per core, at least 2 (a stat waits on the disk when the cache is cold), at most 8. */
export function defaultThreads(cores = availableParallelism()): number {
  return Math.max(2, Math.min(8, cores));
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
