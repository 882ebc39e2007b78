/**
 * Deleted files still held open: their space is used (df) but no path shows it (du), until the
 * process closes them. A warning when they hold 1 GiB or more on one filesystem, critical when that
 * filesystem is also over 90% full.
 */
import {
  type DeletedFile,
  type DeletedScan,
  type FilesystemDeleted,
  totalsByFilesystem,
} from '../../disk/deleted.js';
import { dfUsePercent } from '../../disk/dfReconcile.js';
import { formatBytes } from '../../render/units.js';
import type { Check } from '../check.js';
import type { DoctorContext } from '../context.js';
import { deletedOpenFiles, okFinding, writableFilesystems } from '../diskFacts.js';
import { evidence } from '../evidence.js';
import type { Finding } from '../finding.js';

export const WARNING_BYTES = 1024 ** 3;
export const FULL_PERCENT = 90;

export const diskDeletedOpen: Check = {
  id: 'disk.deleted-open',
  resource: 'disk',
  description: `deleted files still held open by processes, ${formatBytes(WARNING_BYTES)} or more on a filesystem (/proc/*/fd)`,
  run(context) {
    const scan = deletedOpenFiles(context);
    const findings: Finding[] = [];
    const usage = usePercentByMount(context);
    for (const fs of totalsByFilesystem(scan.files)) {
      if (fs.allocatedBytes < WARNING_BYTES) continue;
      const files = scan.files.filter((f) => (f.mountPoint ?? '?') === fs.mountPoint);
      findings.push(heldFinding(this.id, fs, files, usage.get(fs.mountPoint)));
    }
    if (findings.length === 0) findings.push(nothingHeldFinding(this.id, scan));
    return findings;
  },
};

/** df's Use% of each writable filesystem, by mount point. */
function usePercentByMount(context: DoctorContext): Map<string, number> {
  return new Map(
    writableFilesystems(context).map(({ mount, statfs }) => [
      mount.mountPoint,
      dfUsePercent(
        (statfs.blocks - statfs.blocksFree) * statfs.blockSize,
        statfs.blocksAvailable * statfs.blockSize,
      ),
    ]),
  );
}

/** A filesystem where deleted files hold enough to matter: critical if it is also nearly full. */
function heldFinding(
  check: string,
  fs: FilesystemDeleted,
  files: readonly DeletedFile[],
  percent: number | undefined,
): Finding {
  const biggest = files[0];
  return {
    check,
    resource: 'disk',
    severity: percent !== undefined && percent >= FULL_PERCENT ? 'critical' : 'warning',
    title: `${formatBytes(fs.allocatedBytes)} on ${fs.mountPoint} is held by ${fs.files} deleted ${fs.files === 1 ? 'file' : 'files'} still open${biggest ? `, most by PID ${biggest.holders[0]?.pid} (${biggest.holders[0]?.command})` : ''}`,
    evidence: [
      evidence.bytes('held by deleted files', fs.allocatedBytes),
      evidence.count('files', fs.files),
      ...(percent !== undefined ? [evidence.percent('filesystem used', percent)] : []),
      ...files
        .slice(0, 3)
        .map((f) =>
          evidence.bytes(
            `${f.path} (PID ${f.holders.map((h) => `${h.pid} fd ${h.fd}`).join(', ')})`,
            f.allocatedBytes,
          ),
        ),
    ],
    next: [
      'hog disk deleted',
      ...(biggest?.holders[0]
        ? [`hog disk deleted --reclaim ${biggest.holders[0].pid}:${biggest.holders[0].fd}`]
        : []),
    ],
    detail:
      'Restarting the process frees the space; if it cannot be restarted now, --reclaim truncates the file through its descriptor.',
    subjects: files
      .slice(0, 10)
      .flatMap((f) => f.holders.map((h) => ({ pid: h.pid, name: h.command, path: f.path }))),
  };
}

/** All is well: how much deleted open files hold in all, and whose descriptors could not be seen. */
function nothingHeldFinding(check: string, scan: DeletedScan): Finding {
  const total = scan.files.reduce((s, f) => s + f.allocatedBytes, 0);
  return okFinding(
    check,
    `deleted files still open hold ${formatBytes(total)}${scan.files.length > 0 ? ` in ${scan.files.length} ${scan.files.length === 1 ? 'file' : 'files'}` : ''}`,
    [evidence.bytes('held by deleted files', total)],
    scan.deniedProcesses > 0
      ? `The descriptors of ${scan.deniedProcesses} processes of other users were not visible: run hog doctor as root to see them.`
      : undefined,
  );
}
