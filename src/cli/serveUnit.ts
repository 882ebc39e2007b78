/**
 * `hog serve --install-unit [--write]`: a hardened systemd unit that runs hog serve with the options
 * given, printed or written to UNIT_PATH.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLoopbackHost } from '../serve/http/auth.js';
import { UNIT_PATH, unitFile } from '../serve/unit.js';
import { ensureDirectory } from '../store/open.js';
import { DEFAULT_RETENTION } from '../store/serveRetention.js';
import type { CliContext } from './context.js';
import { DEFAULT_SCAN_EVERY_S, type ServeFlags } from './serveOptions.js';

/** Where `--install-unit` puts the store unless --db says otherwise (ProtectHome hides ~). */
export const UNIT_DB_PATH = '/var/lib/hog/hog.db';

export function installUnit(flags: ServeFlags, scanRoots: string[], context: CliContext): void {
  const dbPath = flags.db ?? UNIT_DB_PATH;
  const hogPath = process.argv[1] && existsSync(process.argv[1]) ? process.argv[1] : '/usr/local/bin/hog';
  const extra: string[] = [];
  if (flags.openMetrics) extra.push('--open-metrics');
  if (flags.top !== 20) extra.push('--top', String(flags.top));
  if (flags.connections !== 20) extra.push('--connections', String(flags.connections));
  if (flags.retentionRaw * 1000 !== DEFAULT_RETENTION.rawMs)
    extra.push('--retention-raw', `${flags.retentionRaw}s`);
  if (flags.retentionMinute * 1000 !== DEFAULT_RETENTION.minuteMs)
    extra.push('--retention-minute', `${flags.retentionMinute}s`);
  if (flags.maxDbSize !== DEFAULT_RETENTION.maxBytes) extra.push('--max-db-size', String(flags.maxDbSize));
  for (const dir of scanRoots) extra.push('--scan', dir);
  if (flags.scan.length > 0 && flags.scanEvery !== DEFAULT_SCAN_EVERY_S)
    extra.push('--scan-every', `${flags.scanEvery}s`);
  // never --token: the unit file is world-readable and ExecStart shows in ps; HOG_SERVE_TOKEN goes in
  // a drop-in (systemctl edit hog) instead
  const text = unitFile({
    hogPath: hogPath.endsWith('.js') ? fileURLToPath(new URL('../../bin/hog', import.meta.url)) : hogPath,
    dbPath,
    host: flags.host,
    port: flags.port,
    interval: `${flags.interval}s`,
    extra,
  });
  if (!flags.write) {
    context.output.write(text);
    return;
  }
  // the unit's ReadWritePaths must exist when the service starts
  ensureDirectory(dirname(dbPath));
  const temporary = `${UNIT_PATH}.hog-tmp`;
  writeFileSync(temporary, text, { mode: 0o644 });
  renameSync(temporary, UNIT_PATH);
  context.output.line(
    `hog serve: wrote ${UNIT_PATH}; now: systemctl daemon-reload && systemctl enable --now hog`,
  );
  if (!isLoopbackHost(flags.host))
    context.output.line(
      'note: with this --host, hog serve prints a new token at each start (see journalctl -u hog); set HOG_SERVE_TOKEN with systemctl edit hog to keep one',
    );
}
