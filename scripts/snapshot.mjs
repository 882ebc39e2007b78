// Build the V8 startup snapshot of `hog ps` (issue 16): dist/cli-bundle/ps.blob, and ps.blob.key, the
// identity of what it was built from. Run by `npm run build` after scripts/bundle.mjs.
//   node scripts/snapshot.mjs [outdir=dist/cli-bundle]
//
// `hog ps --json -i 0` on 440 processes spends ~10 ms of its ~100 ms of CPU loading and compiling the
// bundles; a snapshot holds them already evaluated. A blob works only with the node binary that built
// it (another one may refuse it or crash: V8 checks a checksum and aborts), so bin/hog uses it only when
// ps.blob.key still equals `stat -L --printf '%d:%i:%s:%Y,' NODE BLOB hog.js ps.js`: the same node
// binary (device, inode, size, mtime: a reinstalled or other node differs), the same blob, and the
// same bundles (rebuilt bundles are new files). Otherwise, or when this script fails (a node without
// --build-snapshot), hog starts as before.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const outdir = resolve(process.argv[2] ?? 'dist/cli-bundle');
const blob = join(outdir, 'ps.blob');
const key = `${blob}.key`;
const entry = join(outdir, 'ps-snapshot.cjs');
rmSync(key, { force: true });
rmSync(blob, { force: true });
mkdirSync(outdir, { recursive: true });

/** The commands main.ts loads with import(): all but ps stay out of the snapshot (never loaded by ps). */
const mainSource = readFileSync('src/cli/main.ts', 'utf8');
const others = [...mainSource.matchAll(/import\('\.\/([a-zA-Z]+)\.js'\)/g)]
  .map((m) => m[1])
  .filter((name) => name !== 'ps');

// main.ts ends by running itself when it is node's entry, with a top-level await a snapshot (a
// CommonJS script) cannot hold; the snapshot's entry calls main() itself.
const RUN_WHEN_MAIN =
  /\nif \(process\.argv\[1\] !== undefined && import\.meta\.url === [^\n]*\n[^\n]*\n\}\n?$/;

const snapshotShape = {
  name: 'snapshot-shape',
  setup(b) {
    b.onResolve({ filter: /^\.\/[a-zA-Z]+\.js$/ }, (args) =>
      args.importer.endsWith('src/cli/main.ts') && others.includes(args.path.slice(2, -3))
        ? { path: args.path, external: true }
        : undefined,
    );
    b.onLoad({ filter: /src[\\/]cli[\\/]main\.ts$/ }, async (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!RUN_WHEN_MAIN.test(text)) throw new Error('snapshot: the run-when-main block of main.ts changed');
      return { contents: text.replace(RUN_WHEN_MAIN, '\n'), loader: 'ts' };
    });
    // as scripts/bundle.mjs: commander's eager require of node:child_process, made lazy
    b.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const text = readFileSync(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      const lazy =
        "let childProcessModule; const childProcess = { spawn: (...a) => (childProcessModule ??= require('node:child_process')).spawn(...a) };";
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};

try {
  await build({
    entryPoints: ['src/cli/psSnapshot.ts'],
    outfile: entry,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    external: ['better-sqlite3'],
    // set by psSnapshot.ts when the snapshot starts: where the blob is then, not where it was built
    define: {
      'import.meta.url': 'globalThis.__hogSnapshotModuleUrl',
      // hog's version, inlined as in every other build (src/version.ts)
      HOG_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version),
    },
    plugins: [snapshotShape],
    logLevel: 'warning',
  });
  const built = spawnSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', entry], {
    encoding: 'utf8',
    // node:tty and node:child_process are "not yet fully verified" in snapshots: loaded, not used
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  if (built.status !== 0) throw new Error(`node --build-snapshot: ${built.stderr.trim() || built.status}`);
  // the key, written by the very command bin/hog compares it with
  const identity = execFileSync(
    'stat',
    [
      '-L',
      '--printf',
      '%d:%i:%s:%Y,',
      '--',
      process.execPath,
      blob,
      join(outdir, 'hog.js'),
      join(outdir, 'ps.js'),
    ],
    { encoding: 'utf8' },
  );
  writeFileSync(key, `${identity}\n`);
} catch (error) {
  rmSync(blob, { force: true });
  console.warn(`snapshot: not built, hog ps starts without it (${error.message.split('\n')[0]})`);
}
