#!/usr/bin/env node
// npm's `prepare` step: build hog (npm run build) unless dist/ was already built from exactly these
// inputs by this Node.js. npm runs `prepare` after `npm install`, and npm 11 runs it again when
// `npx hog` first links this very directory into npx's cache (it does that for a project's own bin),
// which made the quick start's `npx hog doctor` wait for a second, identical build (~50 s here).
// The inputs: every file under src/, native/ and scripts/, package.json, package-lock.json, the
// tsconfig files, and the Node.js version and architecture (the addons are built for one ABI).
// `npm run build` always builds; this only decides whether `prepare` needs to.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(root, 'dist', '.build-inputs');
const OUTPUTS = ['dist/cli-bundle/hog.js', 'dist/index.js', 'dist/index.cjs'];

function filesUnder(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

function inputsHash() {
  const hash = createHash('sha256');
  hash.update(`${process.version} ${process.arch}\n`);
  const files = [
    ...['src', 'native', 'scripts'].flatMap((d) => filesUnder(join(root, d))),
    ...['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']
      .map((f) => join(root, f))
      .filter((f) => existsSync(f)),
  ].sort();
  for (const file of files) {
    hash.update(`${relative(root, file)}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const wanted = inputsHash();
const built =
  existsSync(STAMP) &&
  readFileSync(STAMP, 'utf8').trim() === wanted &&
  OUTPUTS.every((f) => existsSync(join(root, f)));
if (built) {
  console.log('hog: dist/ is up to date with src/, native/ and scripts/; nothing to build');
  process.exit(0);
}
const npm = process.env.npm_execpath
  ? [process.execPath, [process.env.npm_execpath, 'run', 'build']]
  : ['npm', ['run', 'build']];
const result = spawnSync(npm[0], npm[1], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(STAMP, `${wanted}\n`);
