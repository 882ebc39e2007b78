/**
 * Finding and loading hog's compiled addons. scripts/build-native.mjs (part of `npm run build`, so of
 * `npm install`) compiles each into dist/native/; a build may lack one (no C compiler, no libpcap),
 * and then the caller falls back or says what to install. Each addon is loaded once per process.
 *
 * This module runs as src/addon.ts (tests), dist/addon.js (the library) and inside each bundle of
 * dist/cli-bundle/ (the CLI); dist/native/ is looked for from each of those places.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export type AddonLoad<T> =
  | { addon: T; path: string }
  | {
      addon?: undefined;
      /** disabled: the environment variable said "none"; missing: not built; failed: dlopen refused it. */
      reason: 'disabled' | 'missing' | 'failed';
      /** The file tried (for "failed"), and the loader's first line of error. */
      path?: string;
      message: string;
    };

/** From dist/addon.js, dist/cli-bundle/<command>.js and src/addon.ts respectively. */
const RELATIVE_PLACES = ['./native/', '../native/', '../dist/native/'];

const loads = new Map<string, AddonLoad<unknown>>();

/** Where `file` may be: beside this module's dist/ tree, nearest first. */
export function addonCandidates(file: string): string[] {
  return RELATIVE_PLACES.map((place) => fileURLToPath(new URL(place + file, import.meta.url)));
}

/**
 * Load dist/native/`file`, or say why not. `envVar`, when set in the environment, names the file to
 * load instead, or "none" to go without the addon (tests of the fallbacks use it).
 */
export function loadAddon<T>(file: string, envVar?: string): AddonLoad<T> {
  const override = envVar === undefined ? undefined : process.env[envVar] || undefined;
  const key = `${file}\0${override ?? ''}`;
  const known = loads.get(key);
  if (known) return known as AddonLoad<T>;
  const load = attempt<T>(file, envVar, override);
  loads.set(key, load);
  return load;
}

function attempt<T>(file: string, envVar: string | undefined, override: string | undefined): AddonLoad<T> {
  if (override === 'none') return { reason: 'disabled', message: `${envVar}=none` };
  const candidates = override === undefined ? addonCandidates(file) : [override];
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) return { reason: 'missing', message: `${candidates.join(' or ')} not found` };
  try {
    return { addon: createRequire(import.meta.url)(path) as T, path };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { reason: 'failed', path, message: message.split('\n')[0] ?? message };
  }
}
