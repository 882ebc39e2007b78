/**
 * The entry of the V8 startup snapshot of `hog ps` (scripts/snapshot.mjs builds it at `npm run build`;
 * bin/hog starts node with it only when the snapshot was built by this very node binary from these very
 * bundles). Building the snapshot runs this module and everything it imports: commander, main and ps are
 * loaded, compiled and evaluated once, at build time; each `hog ps` then starts from that heap instead
 * of loading and compiling ~100 KB of JavaScript (issue 16).
 *
 * Nothing may be read at build time that must be fresh at run time: the module-level code of main, ps
 * and what they import only defines functions and constants; the time, the environment, the working
 * directory, the arguments and the terminal are all read inside main(), which runs after the snapshot
 * is deserialized. Only the location of the bundle differs: a module's import.meta.url (used to find
 * dist/native/) is the path of the blob's directory at run time, set below before main() runs.
 */
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startupSnapshot } from 'node:v8';
import { main } from './main.js';
// evaluated now, at build time, rather than on the first import() of `hog ps` at run time
import './ps.js';

declare global {
  /** import.meta.url of the snapshot's modules: scripts/snapshot.mjs defines it as this global. */
  var __hogSnapshotModuleUrl: string | undefined;
}

/** The file:// URL of dist/cli-bundle/ps.js beside the blob node was started with. */
function bundleUrl(execArgv: readonly string[]): string {
  const at = execArgv.findIndex((a) => a === '--snapshot-blob' || a.startsWith('--snapshot-blob='));
  const flag = execArgv[at] ?? '';
  const blob = flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : (execArgv[at + 1] ?? '');
  return pathToFileURL(join(dirname(resolve(blob)), 'ps.js')).href;
}

startupSnapshot.setDeserializeMainFunction(async () => {
  globalThis.__hogSnapshotModuleUrl = bundleUrl(process.execArgv);
  // argv is [node, bin/hog, ...arguments]: bin/hog passes its own path, as for a normal start
  process.exitCode = await main(process.argv.slice(2));
});
