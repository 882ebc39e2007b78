#!/usr/bin/env node
// Install the Debian packages listed in scripts/system-deps.txt that are missing, so `npm test` works on
// a fresh machine. Runs before the tests (pretest) and in .ci/run. Needs root only when something is
// missing; without root it names the command to run instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const list = readFileSync(new URL('./system-deps.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim())
  .filter(Boolean);

const missing = list.filter((pkg) => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status !== 0 || !r.stdout.includes('install ok installed');
});

if (missing.length === 0) process.exit(0);
if (process.getuid?.() !== 0) {
  console.error(`system-deps: missing Debian packages: ${missing.join(' ')}`);
  console.error(`system-deps: install them with: sudo apt-get install -y ${missing.join(' ')}`);
  process.exit(1);
}
console.error(`system-deps: installing ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const install = () =>
  spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env })
    .status;
if (install() !== 0) {
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  if (install() !== 0) {
    console.error(`system-deps: apt-get install ${missing.join(' ')} failed`);
    process.exit(1);
  }
}
