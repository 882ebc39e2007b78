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
// process-exporter on *:9256 (under systemd, or through their /etc/init.d scripts where invoke-rc.d
// is allowed to start them). The tests and benchmarks start their own on free loopback ports, so a
// machine that ran none before is not left with three daemons listening on every interface: the
// services of packages installed just now are stopped and disabled (a Prometheus the machine already
// had is not touched).
const SERVICES = ['prometheus', 'prometheus-node-exporter', 'prometheus-process-exporter'];
const started = SERVICES.filter((name) => missing.includes(name));
if (started.length > 0) {
  const systemd = existsSync('/run/systemd/system');
  // systemctl disable also works without a running systemd (links, and the SysV scripts' rc.d links)
  spawnSync('systemctl', ['disable', ...(systemd ? ['--now'] : []), ...started], { stdio: 'inherit' });
  if (!systemd) {
    for (const name of started) {
      if (existsSync(`/etc/init.d/${name}`)) spawnSync(`/etc/init.d/${name}`, ['stop'], { stdio: 'inherit' });
    }
  }
}
