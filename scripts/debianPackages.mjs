// Which Debian packages are installed, and installing the missing ones: shared by scripts/system-deps.mjs
// (what the tests need) and bench/lib.mjs (what the benchmarks need).
import { spawnSync } from 'node:child_process';

/** The packages of `packages` that dpkg does not list as installed. */
export function missingDebianPackages(packages) {
  return packages.filter((pkg) => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

/**
 * apt-get install the packages (as root), once more after apt-get update if the package lists are
 * stale; true when installed. `options` are apt-get's extra flags (--no-install-recommends).
 */
export function aptInstall(packages, options = []) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', ...options, ...packages], { stdio: 'inherit', env }).status === 0;
  if (install()) return true;
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  return install();
}
