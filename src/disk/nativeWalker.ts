/**
 * The native walker (src/disk/native/*.cc), compiled by scripts/build-native.mjs — part of `npm run
 * build`, so of `npm install` — into dist/native/hog_disk.node. Loading it may fail — no compiler when
 * hog was installed, another Node.js ABI — and then hog disk uses the JavaScript walker and says why.
 */
import { loadAddon } from '../addon.js';
import type { RawScan, WalkProgress, WalkRequest } from './scanTypes.js';

interface Addon {
  scan(request: WalkRequest): { handle: unknown; done: Promise<RawScan> };
  progress(handle: unknown): [number, number, number, number, Buffer];
}

let loaded: { addon?: Addon; error?: string } | undefined;

export function loadNativeWalker(): { addon?: Addon; error?: string } {
  if (loaded) return loaded;
  const load = loadAddon<Addon>('hog_disk.node');
  if (load.addon) {
    loaded =
      typeof load.addon.scan === 'function'
        ? { addon: load.addon }
        : { error: `${load.path} is not hog's walker` };
  } else {
    loaded = {
      error:
        load.reason === 'failed'
          ? `the native walker did not load: ${load.message}`
          : 'the native walker was not built (npm run build compiles it with a C++ compiler: build-essential)',
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
