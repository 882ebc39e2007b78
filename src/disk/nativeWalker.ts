/**
 * The native walker (src/disk/native/*.cc), compiled by scripts/build-native.mjs — part of `npm run
 * build`, so of `npm install` — into dist/native/hog_disk.node. Loading it may fail — no compiler when
 * hog was installed, another Node.js ABI — and then hog disk uses the JavaScript walker and says why.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { RawScan, WalkProgress, WalkRequest } from './scanTypes.js';

interface Addon {
  scan(request: WalkRequest): { handle: unknown; done: Promise<RawScan> };
  progress(handle: unknown): [number, number, number, number, Buffer];
}

/** The package root is two levels above this file, in src/disk/, dist/disk/ and dist/cli-bundle/ alike. */
export const ADDON_PATH = fileURLToPath(new URL('../../dist/native/hog_disk.node', import.meta.url));

let loaded: { addon?: Addon; error?: string } | undefined;

export function loadNativeWalker(): { addon?: Addon; error?: string } {
  if (loaded) return loaded;
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH) as Addon;
    loaded = typeof addon.scan === 'function' ? { addon } : { error: `${ADDON_PATH} is not hog's walker` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    loaded = {
      error:
        code === 'MODULE_NOT_FOUND'
          ? 'the native walker was not built (npm run build compiles it with a C++ compiler: build-essential)'
          : `the native walker did not load: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  return loaded;
}

export async function walkNative(
  addon: Addon,
  request: WalkRequest,
  onProgress?: (progress: WalkProgress) => void,
  everyMs = 100,
): Promise<RawScan> {
  const { handle, done } = addon.scan(request);
  if (!onProgress) return done;
  const timer = setInterval(() => {
    const [files, directories, allocatedBytes, apparentBytes, current] = addon.progress(handle);
    onProgress({ files, directories, allocatedBytes, apparentBytes, current: current.toString('utf8') });
  }, everyMs);
  try {
    return await done;
  } finally {
    clearInterval(timer);
  }
}
