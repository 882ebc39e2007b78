/**
 * Inode exhaustion: a filesystem can refuse new files with free space left when every inode is used
 * (millions of small files: mail queues, caches, session files). Critical at 95%, warning at 90% of
 * statfs f_files. Filesystems without a fixed inode table (btrfs, reporting 0) are skipped.
 */
import { dfUsePercent } from '../../disk/dfReconcile.js';
import { formatCount } from '../../render/units.js';
import type { Check } from '../check.js';
import { okFinding, writableFilesystems } from '../diskFacts.js';
import { evidence } from '../evidence.js';
import type { Finding } from '../finding.js';

export const WARNING_PERCENT = 90;
export const CRITICAL_PERCENT = 95;

export const diskInodes: Check = {
  id: 'disk.inodes',
  resource: 'disk',
  description: `filesystems over ${WARNING_PERCENT}% of their inodes (statfs f_files)`,
  run(context) {
    const findings: Finding[] = [];
    let fullest = { mountPoint: '', percent: -1 };
    for (const { mount, statfs } of writableFilesystems(context)) {
      if (statfs.inodes <= 0) continue;
      const used = statfs.inodes - statfs.inodesFree;
      const percent = dfUsePercent(used, statfs.inodesFree);
      if (percent > fullest.percent) fullest = { mountPoint: mount.mountPoint, percent };
      if (percent < WARNING_PERCENT) continue;
      findings.push({
        check: this.id,
        resource: 'disk',
        severity: percent >= CRITICAL_PERCENT ? 'critical' : 'warning',
        title: `${mount.mountPoint} has used ${percent}% of its inodes: ${formatCount(statfs.inodesFree)} new files left`,
        evidence: [
          evidence.percent('inodes used', percent),
          evidence.count('inodes used', used),
          evidence.count('inodes free', statfs.inodesFree),
          evidence.count('inodes total', statfs.inodes),
          evidence.text('filesystem', `${mount.fsType} on ${mount.source}`),
        ],
        next: [`hog disk -x ${mount.mountPoint} --depth 3`, `hog disk -i -x ${mount.mountPoint}`],
        detail:
          'Find the directories holding the most files (the FILES column; C sorts by files in hog disk -i), usually a cache, queue or session directory, and clean it.',
        subjects: [{ path: mount.mountPoint }],
      });
    }
    if (findings.length === 0) {
      findings.push(
        okFinding(
          this.id,
          fullest.percent >= 0
            ? `inodes: fullest filesystem ${fullest.mountPoint} at ${fullest.percent}%`
            : 'no filesystem with an inode limit',
        ),
      );
    }
    return findings;
  },
};
