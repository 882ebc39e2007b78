// Build the `hog serve` dashboard (src/serve/web/) into dist/web/: index.html, assets/app.js (the
// TypeScript and uPlot, minified) and assets/app.css (uPlot's stylesheet and ours). hog serve serves
// these files itself (--web-dir, default dist/web): no CDN, the dashboard works offline.
//
// Size of the bundle, printed by every build; measured at the dashboard's first version (uPlot 1.6.32,
// esbuild 0.25.12 minified, gzip -9), of which uPlot is about two thirds of the JS:
//   assets/app.js   75.6 KiB raw, 32.7 KiB gzip
//   assets/app.css   5.1 KiB raw,  1.8 KiB gzip
//   index.html       0.7 KiB
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const src = 'src/serve/web';
const outdir = 'dist/web';
rmSync(outdir, { recursive: true, force: true });
mkdirSync(join(outdir, 'assets'), { recursive: true });

const common = {
  bundle: true,
  minify: true,
  // the browsers of the last few years (uPlot itself needs ES2020)
  target: ['chrome100', 'firefox100', 'safari15'],
  logLevel: 'warning',
  legalComments: 'none',
};

await build({
  ...common,
  entryPoints: [join(src, 'main.ts')],
  outfile: join(outdir, 'assets', 'app.js'),
  format: 'esm',
  platform: 'browser',
});
await build({
  ...common,
  entryPoints: [join(src, 'style.css')],
  outfile: join(outdir, 'assets', 'app.css'),
});
copyFileSync(join(src, 'index.html'), join(outdir, 'index.html'));

/** "41.2 KiB raw, 16.0 KiB gzip" */
function size(file) {
  const bytes = readFileSync(file);
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  return `${kib(bytes.length)} raw, ${kib(gzipSync(bytes, { level: 9 }).length)} gzip`;
}
console.log(`bundle-web: ${outdir}/assets/app.js ${size(join(outdir, 'assets', 'app.js'))}`);
console.log(`bundle-web: ${outdir}/assets/app.css ${size(join(outdir, 'assets', 'app.css'))}`);
