// Bundle the CLI into a few ESM chunks under dist/cli-bundle: one file for the entry and shared code,
// one chunk per lazily loaded command. Loading ~5 files instead of ~60 modules saves ~45 ms per start.
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

// commander requires node:child_process (and with it node:net) when it loads, ~20 ms of CPU on every
// start, for the executable subcommands hog never uses. Load it only if commander ever calls it.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      const lazy =
        "let childProcessModule; const childProcess = { spawn: (...a) => (childProcessModule ??= require('node:child_process')).spawn(...a) };";
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};

await build({
  entryPoints: { hog: 'src/cli/main.ts' },
  outdir: 'dist/cli-bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // a native addon: loaded from node_modules at run time, where its .node file was built
  external: ['better-sqlite3'],
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [lazyChildProcess],
  // commander is CommonJS and requires node builtins; give the bundle a require()
  banner: {
    js: "import { createRequire as __hogRequire } from 'node:module'; const require = __hogRequire(import.meta.url);",
  },
});

// The library entry for require('hog') (CommonJS programs, and TypeScript compiled to CommonJS);
// import('hog') uses dist/index.js from tsc. Both share the profiler through a global symbol.
await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
