/**
 * The systemd unit of `hog serve`, hardened to what hog needs:
 * - it reads every process's /proc/PID files (statm, status, cmdline, fd links for socket owners):
 *   CAP_SYS_PTRACE (ptrace-mode read checks) and CAP_DAC_READ_SEARCH (files of other users), nothing
 *   else: no CAP_SYS_ADMIN, no CAP_NET_ADMIN, no CAP_KILL;
 * - it writes only its database directory: ProtectSystem=strict with that directory in ReadWritePaths;
 * - no privilege gain, home directories read-only, a private /tmp, no new namespaces, no realtime, kernel
 *   tunables and modules protected, sockets limited to IP and netlink (sock_diag) and unix (journald).
 * ProtectProc is left at its default: hog must see other users' processes.
 */
import { dirname } from 'node:path';

export interface UnitOptions {
  /** Absolute path of the hog executable. */
  hogPath: string;
  dbPath: string;
  host: string;
  port: number;
  interval: string;
  /** Extra arguments, already quoted for systemd. */
  extra?: string[];
}

export const UNIT_PATH = '/etc/systemd/system/hog.service';

/** systemd's quoting of one argument: double quotes, with \ and " escaped, when it needs any. */
export function systemdQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg.replace(/%/g, '%%');
  return `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

/**
 * The store's directory, writable under ProtectSystem=strict. /var/lib/hog is systemd's StateDirectory
 * (created at start, owned by the service); any other directory must exist (`--write` makes it), or
 * the service fails to start.
 */
function stateLines(dbPath: string): string {
  const dir = dirname(dbPath);
  const state = dir === '/var/lib/hog' ? 'StateDirectory=hog\nStateDirectoryMode=0700\n' : '';
  return `${state}ReadWritePaths=${systemdQuote(dir)}\n`;
}

export function unitFile(o: UnitOptions): string {
  const args = [
    o.hogPath,
    'serve',
    '--host',
    o.host,
    '--port',
    String(o.port),
    '--db',
    o.dbPath,
    '--interval',
    o.interval,
    ...(o.extra ?? []),
  ].map(systemdQuote);
  return `# Written by \`hog serve --install-unit\`. Install: systemctl daemon-reload && systemctl enable --now hog
[Unit]
Description=hog serve: memory, disk and network history, dashboard and Prometheus metrics
After=network.target

[Service]
Type=simple
ExecStart=${args.join(' ')}
Restart=on-failure
RestartSec=5s
# hog serve reads every process's /proc files and writes only its store
User=root
CapabilityBoundingSet=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH
AmbientCapabilities=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH
NoNewPrivileges=yes
ProtectSystem=strict
${stateLines(o.dbPath)}# read-only, not yes: hog statfs()es /home when it is a filesystem of its own
ProtectHome=read-only
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
# MemoryDenyWriteExecute stays off: V8's JIT needs writable executable memory
RestrictAddressFamilies=AF_INET AF_INET6 AF_NETLINK AF_UNIX
SystemCallArchitectures=native
SystemCallFilter=@system-service
UMask=0077
# hog must not become the hog
MemoryMax=512M
CPUQuota=20%
Nice=10

[Install]
WantedBy=multi-user.target
`;
}
