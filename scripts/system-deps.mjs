#!/usr/bin/env node
// Install the Debian packages listed in scripts/system-deps.txt that are missing, so `npm test` works on
// a fresh machine. Runs before the tests (pretest) and in .ci/run. Needs root only when something is
// missing; without root it names the command to run instead.
import { readFileSync } from 'node:fs';
import { aptInstall, missingDebianPackages } from './debianPackages.mjs';

const list = readFileSync(new URL('./system-deps.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean);

const missing = missingDebianPackages(list);

if (missing.length === 0) process.exit(0);
if (process.getuid?.() !== 0) {
  console.error(`system-deps: missing Debian packages: ${missing.join(' ')}`);
  console.error(`system-deps: install them with: sudo apt-get install -y ${missing.join(' ')}`);
  process.exit(1);
}
console.error(`system-deps: installing ${missing.join(' ')}`);
if (!aptInstall(missing, ['--no-install-recommends'])) {
  console.error(`system-deps: apt-get install ${missing.join(' ')} failed`);
  process.exit(1);
}
