/**
 * The systemd unit of `hog serve --install-unit`: the hardening it promises, the capabilities hog needs
 * and no others, and `systemd-analyze verify` on it when systemd-analyze is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemdQuote, unitFile } from '../../src/serve/unit.js';

const dir = mkdtempSync(join(tmpdir(), `hog-serve-unit-${process.pid}-`));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HOG = join(import.meta.dirname, '../../bin/hog');

describe('hog serve --install-unit', () => {
  it('prints a hardened unit with the store directory writable and two capabilities', () => {
    const text = execFileSync(
      HOG,
      ['serve', '--install-unit', '--db', '/var/lib/hog test/hog.db', '--interval', '1s'],
      {
        encoding: 'utf8',
      },
    );
    const lines = text.split('\n');
    for (const line of [
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ReadWritePaths="/var/lib/hog test"',
      'ProtectHome=read-only',
      'PrivateTmp=yes',
      'CapabilityBoundingSet=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH',
      'AmbientCapabilities=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH',
    ]) {
      expect(lines).toContain(line);
    }
    const exec = lines.find((l) => l.startsWith('ExecStart='));
    expect(exec).toMatch(
      / serve --host 127\.0\.0\.1 --port 7070 --db "\/var\/lib\/hog test\/hog\.db" --interval 1s$/,
    );
    expect(text).not.toMatch(/CAP_SYS_ADMIN|CAP_NET_ADMIN|CAP_KILL/);
  });

  it("keeps the default store in systemd's StateDirectory", () => {
    const text = execFileSync(HOG, ['serve', '--install-unit'], { encoding: 'utf8' });
    expect(text).toContain('StateDirectory=hog\nStateDirectoryMode=0700\nReadWritePaths=/var/lib/hog\n');
    expect(text).toMatch(/ --db \/var\/lib\/hog\/hog\.db --interval 5s\n/);
  });

  it('--write puts the unit in /etc/systemd/system and makes the store directory', (context) => {
    // in a mount namespace with a tmpfs over /etc/systemd/system and /srv: the machine's stay untouched
    const script = `set -e
      mount -t tmpfs hog-test-unit /etc/systemd/system
      mount -t tmpfs hog-test-unit /srv
      ${HOG} serve --install-unit --write --db /srv/hog/h.db
      test -d /srv/hog && echo dir-made
      grep -c '^ReadWritePaths=/srv/hog$' /etc/systemd/system/hog.service
      stat -c %a /etc/systemd/system/hog.service
      ls /etc/systemd/system`;
    const result = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {
      encoding: 'utf8',
    });
    if (result.status !== 0 && /unshare failed|Operation not permitted/.test(result.stderr)) {
      console.warn(`skipped: no mount namespace here (${result.stderr.trim()})`);
      return context.skip();
    }
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual([
      'hog serve: wrote /etc/systemd/system/hog.service; now: systemctl daemon-reload && systemctl enable --now hog',
      'dir-made',
      '1',
      '644',
      'hog.service',
      '',
    ]);
  });

  it('quotes arguments the systemd way', () => {
    expect(systemdQuote('/usr/bin/hog')).toBe('/usr/bin/hog');
    expect(systemdQuote('a b"c')).toBe('"a b\\"c"');
    expect(systemdQuote('50%')).toBe('50%%');
    expect(systemdQuote('$HOME')).toBe('"$$HOME"');
  });

  it('passes systemd-analyze verify', (context) => {
    const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.warn('skipped: systemd-analyze is not installed');
      return context.skip();
    }
    const unit = join(dir, 'hog.service');
    writeFileSync(
      unit,
      unitFile({
        hogPath: HOG,
        dbPath: '/var/lib/hog/hog.db',
        host: '127.0.0.1',
        port: 7070,
        interval: '5s',
      }),
    );
    const result = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    // verify warns about things of the host (no /var/lib/hog yet, units it cannot load): only the lines
    // about our file count
    const ours = `${result.stdout}${result.stderr}`.split('\n').filter((l) => l.includes('hog.service'));
    expect(ours).toEqual([]);
    // and it does read the file: a key systemd does not know is reported
    writeFileSync(
      unit,
      readFileSync(unit, 'utf8').replace('NoNewPrivileges=yes', 'NoNewPrivileges=yes\nBogusKey=1'),
    );
    const bad = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    expect(`${bad.stdout}${bad.stderr}`).toContain("Unknown key 'BogusKey'");
  });
});
