/**
 * Logs taking a large share of their filesystem: more than 20% of its size is a warning (logs grow
 * until rotated; a runaway one fills the disk), critical when that filesystem is also over 90% full.
 * Looks where logs collect (the log directories of the categories table, and Docker's container logs)
 * and counts what the table calls logs there.
 */
import { existsSync, statSync } from 'node:fs';
import { CATEGORY_RULES, categoryOf } from '../../disk/categories.js';
import { classifyTree } from '../../disk/categoryReport.js';
import { dfUsePercent } from '../../disk/dfReconcile.js';
import { mountOf, mountOfDevice, pseudoDevices } from '../../disk/filesystems.js';
import { DiskTree } from '../../disk/tree.js';
import { defaultThreads, walk } from '../../disk/walk.js';
import { formatBytes } from '../../render/units.js';
import type { Check } from '../check.js';
import type { DoctorContext } from '../context.js';
import { okFinding, writableFilesystems } from '../diskFacts.js';
import { evidence } from '../evidence.js';
import type { Finding } from '../finding.js';

export const WARNING_SHARE = 0.2;
export const FULL_PERCENT = 90;

/** Where logs collect: the log directories of the categories table, and Docker's per-container logs. */
export const LOG_LOCATIONS = [
  ...CATEGORY_RULES.filter((r) => r.category === 'logs').flatMap((r) => r.under ?? []),
  '/var/lib/docker/containers',
];

export const diskLogs: Check = {
  id: 'disk.logs',
  resource: 'disk',
  description: `logs taking more than ${WARNING_SHARE * 100}% of a filesystem (${LOG_LOCATIONS.join(', ')})`,
  async run(context) {
    const byDevice = await logsByDevice(context);
    const filesystems = writableFilesystems(context);
    const findings: Finding[] = [];
    let largest = { bytes: 0, share: 0, mountPoint: '' };
    for (const [dev, logs] of byDevice) {
      const mount =
        mountOfDevice(dev, context.mounts()) ?? mountOf(logs.locations[0] as string, context.mounts());
      const fs = filesystems.find((f) => f.mount.mountPoint === mount?.mountPoint);
      if (!mount || !fs) continue;
      const size = fs.statfs.blocks * fs.statfs.blockSize;
      const share = size > 0 ? logs.bytes / size : 0;
      if (share > largest.share) largest = { bytes: logs.bytes, share, mountPoint: mount.mountPoint };
      if (share <= WARNING_SHARE) continue;
      const used = dfUsePercent(
        (fs.statfs.blocks - fs.statfs.blocksFree) * fs.statfs.blockSize,
        fs.statfs.blocksAvailable * fs.statfs.blockSize,
      );
      findings.push(logsFinding(this.id, mount.mountPoint, logs, share, size, used));
    }
    if (findings.length === 0) {
      findings.push(
        okFinding(
          this.id,
          largest.mountPoint !== ''
            ? `logs take ${(largest.share * 100).toFixed(1)}% of ${largest.mountPoint} (${formatBytes(largest.bytes)})`
            : 'no logs found where logs collect',
        ),
      );
    }
    return findings;
  },
};

/** What the categories table calls logs, per device, under LOG_LOCATIONS. */
interface DeviceLogs {
  bytes: number;
  files: { path: string; bytes: number }[];
  locations: string[];
}

/** Walk each log location that exists and add up its logs by the device they are on. */
async function logsByDevice(context: DoctorContext): Promise<Map<number, DeviceLogs>> {
  const byDevice = new Map<number, DeviceLogs>();
  const skipDevs = pseudoDevices(context.mounts());
  for (const location of LOG_LOCATIONS) {
    const path = `${context.fsRoot}${location}`;
    if (!existsSync(path)) continue;
    const dev = statSync(path).dev;
    const { raw } = await walk({
      roots: [path],
      oneFileSystem: true,
      excludes: [],
      skipDevs,
      keepDepth: -1,
      topFiles: 0,
      byApparent: false,
      threads: defaultThreads(),
    });
    const tree = new DiskTree(raw);
    const rules = classifyTree(tree);
    const entry = byDevice.get(dev) ?? { bytes: 0, files: [], locations: [] };
    entry.locations.push(location);
    for (let i = 0; i < tree.count; i++) {
      if (!tree.counted(i) || categoryOf(rules[i] as number) !== 'logs') continue;
      const bytes = tree.ownBytes(i, 'allocated');
      entry.bytes += bytes;
      if (!tree.isDir(i) && bytes > 0)
        entry.files.push({ path: tree.path(i).slice(context.fsRoot.length), bytes });
    }
    byDevice.set(dev, entry);
  }
  return byDevice;
}

/** Logs over WARNING_SHARE of the filesystem at `mountPoint`: critical when it is also nearly full. */
function logsFinding(
  check: string,
  mountPoint: string,
  logs: DeviceLogs,
  share: number,
  size: number,
  used: number,
): Finding {
  const top = logs.files.sort((a, b) => b.bytes - a.bytes).slice(0, 3);
  return {
    check,
    resource: 'disk',
    severity: used >= FULL_PERCENT ? 'critical' : 'warning',
    title: `logs take ${(share * 100).toFixed(1)}% of ${mountPoint} (${formatBytes(logs.bytes)} of ${formatBytes(size)})`,
    evidence: [
      evidence.bytes('logs', logs.bytes),
      evidence.percent('share of the filesystem', share * 100),
      evidence.percent('filesystem used', used),
      evidence.text('looked in', logs.locations.join(', ')),
      ...top.map((f) => evidence.bytes(f.path, f.bytes)),
    ],
    next: [
      ...logs.locations.map((l) => `hog disk --by category ${l}`),
      `hog disk clean ${logs.locations.join(' ')}`,
      'journalctl --disk-usage',
    ],
    detail:
      'Old rotated logs can go and big ones can be compressed (hog disk clean shows the plan); a log that grows fast needs its rotation (logrotate, journald SystemMaxUse) or its program fixed.',
    subjects: top.map((f) => ({ path: f.path })),
  };
}
