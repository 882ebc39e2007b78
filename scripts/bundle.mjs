// Bundle the CLI under dist/cli-bundle: hog.js (the entry: commander and the command list) and one
// self-contained file per command (ps.js, doctor.js, ...), loaded only when that command runs. So
// `hog ps` loads two files. Measured on `hog ps --json`: ~60 tsc modules cost ~45 ms of start-up, and
// esbuild's shared chunks (15 files for ps) still ~25 ms; two files cost ~5 ms. Code shared by commands
// is copied into each command's file, which is why errors are recognised by a mark, not instanceof
// (src/errors.ts). Command files sit beside hog.js, so paths relative to import.meta.url still lead
// to dist/ (profiler hooks, native addons).
import { readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

// hog's version, inlined into every build (src/version.ts): package.json is its one place
const { version } = JSON.parse(await readFile('package.json', 'utf8'));
const define = { HOG_VERSION: JSON.stringify(version) };

const outdir = 'dist/cli-bundle';
rmSync(outdir, { recursive: true, force: true });

/** The commands main.ts loads with `import('./NAME.js')`. */
const mainSource = await readFile('src/cli/main.ts', 'utf8');
const commands = [...mainSource.matchAll(/import\('\.\/([a-zA-Z]+)\.js'\)/g)].map((m) => m[1]);

// In hog.js, leave those imports as they are: they load the command files at run time.
const commandsExternal = {
  name: 'commands-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/[a-zA-Z]+\.js$/ }, (args) =>
      args.importer.endsWith('src/cli/main.ts') && commands.includes(args.path.slice(2, -3))
        ? { path: args.path, external: true }
        : undefined,
    );
  },
};

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
      // a commander release that words this line differently would leave the eager require in place
      // and the start-up 20 ms slower, silently: stop the build instead
      if (!text.includes(eager)) {
        throw new Error(
          `bundle: ${args.path} no longer contains ${JSON.stringify(eager)}: update the lazy-child-process patch in scripts/bundle.mjs to this commander version, or drop it`,
        );
      }
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};

const common = {
  outdir,
  // whitespace and syntax only: smaller files parse faster at every start (identifiers keep their
  // names, so --verbose stack traces stay readable)
  minifyWhitespace: true,
  minifySyntax: true,
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  // a native addon: loaded from node_modules at run time, where its .node file was built
  external: ['better-sqlite3'],
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  define,
  // commander is CommonJS and requires node builtins; give the bundle a require()
  banner: {
    js: "import { createRequire as __hogRequire } from 'node:module'; const require = __hogRequire(import.meta.url);",
  },
};

await build({
  ...common,
  entryPoints: { hog: 'src/cli/main.ts' },
  plugins: [lazyChildProcess, commandsExternal],
});
await build({
  ...common,
  entryPoints: Object.fromEntries(commands.map((name) => [name, `src/cli/${name}.ts`])),
  plugins: [lazyChildProcess],
});

const built = readdirSync(outdir).filter((f) => f.endsWith('.js'));
const missing = ['hog', ...commands].filter((name) => !built.includes(`${name}.js`));
if (missing.length > 0) throw new Error(`bundle: no output for ${missing.join(', ')}`);

// The library entry for require('hog') (CommonJS programs, and TypeScript compiled to CommonJS);
// import('hog') uses dist/index.js from tsc. Both share the profiler through a global symbol.
await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.cjs',
  define,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});

// hog profile's compiler side (types stripped, probes added; loaded in the module-hooks thread only on a
// compile-cache miss) as one CommonJS file: Node.js 20 imports a CommonJS package into an ES module
// only after lexing its whole source for export names (cjs-module-lexer: ~250 ms for typescript.js's
// 9 MB, measured with --cpu-prof), which require() skips. See src/profiler/transformHost.ts.
await build({
  entryPoints: ['src/profiler/transform.ts'],
  outfile: 'dist/profiler/transform.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['typescript'],
  define: { 'import.meta.url': '__hogModuleUrl' },
  banner: { js: "const __hogModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: true,
  logLevel: 'warning',
});

// tsc leaves HOG_VERSION undefined in dist/version.js (the library's ESM entry imports it): the same
// file with the version inlined replaces it
await build({
  entryPoints: ['src/version.ts'],
  outfile: 'dist/version.js',
  define,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
