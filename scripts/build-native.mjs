#!/usr/bin/env node
// Build hog's native disk walker (src/disk/native/walker.cc -> build/Release/hog_disk.node) with node-gyp,
// the machine's g++ and make, against the headers of the Node.js that runs this script. Runs as the
// package's `install` script, so `npm install` builds it. If it cannot be built (no compiler), hog
// still works: `hog disk` then uses its JavaScript walker and says so. This script never fails the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build', 'Release', 'hog_disk.node');

/** node-gyp: the one npm gives install scripts, else the one bundled with npm next to this node. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  return candidates.find((c) => c && existsSync(c));
}

function warn(message) {
  console.error(`hog: ${message}`);
  console.error(
    'hog: hog disk will use its JavaScript walker (slower); install g++, make and python3, then run `npm rebuild hog` or `node scripts/build-native.mjs`',
  );
}

const gyp = nodeGyp();
if (!gyp) {
  warn('node-gyp not found: the native disk walker was not built');
  process.exit(0);
}
// an existing build directory is rebuilt incrementally (make), so `npm run build` stays quick
const args = [gyp, existsSync(join(root, 'build', 'Makefile')) ? 'build' : 'rebuild'];
// Debian's nodejs ships its headers in /usr/include/node: build against them, offline
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h'))
  args.push('--nodedir=/usr');
const result = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (result.status !== 0) {
  const lines = (result.stderr ?? '')
    .split('\n')
    .filter((l) => /error|not found|ERR!/.test(l))
    .slice(0, 8);
  warn(`building the native disk walker failed:\n${lines.join('\n')}`);
  process.exit(0);
}
try {
  createRequire(import.meta.url)(addon);
  if (!process.argv.includes('--quiet')) console.error(`hog: native disk walker built: ${addon}`);
} catch (error) {
  warn(`the native disk walker was built but does not load: ${error.message}`);
}
