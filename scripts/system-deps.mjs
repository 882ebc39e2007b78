#!/usr/bin/env node
// Install the Debian packages listed in scripts/system-deps.txt that are missing, so `npm test` works on
// a fresh machine. Runs before the tests (pretest) and in .ci/run. Needs root only when something is
// missing; without root it names the command to run instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
// Debian's prometheus packages enable and start their services on install: Prometheus on *:9090
// (scraping localhost:9090 and :9100 into /var/lib/prometheus), node_exporter on *:9100,
// process-exporter on *:9256. The tests and benchmarks start their own on free loopback ports, so a
// machine that ran none before is not left with three daemons listening on every interface: the
// services of packages installed just now are stopped and disabled (a Prometheus the machine already
// had is not touched).
const SERVICES = {
  prometheus: 'prometheus.service',
  'prometheus-node-exporter': 'prometheus-node-exporter.service',
  'prometheus-process-exporter': 'prometheus-process-exporter.service',
};
const started = missing.map((pkg) => SERVICES[pkg]).filter(Boolean);
if (started.length > 0 && existsSync('/run/systemd/system')) {
  spawnSync('systemctl', ['disable', '--now', ...started], { stdio: 'inherit' });
}
