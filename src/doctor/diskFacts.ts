/**
 * What the disk checks read, once per doctor run (several checks need the same statfs numbers and the
 * same list of deleted-but-open files): memoized per DoctorContext.
 */
import { type DeletedScan, findDeletedOpenFiles } from '../disk/deleted.js';
import { dataFilesystems, readStatfs } from '../disk/df.js';
import type { StatfsNumbers } from '../disk/dfReconcile.js';
import { isReadOnly } from '../disk/filesystems.js';
import type { Mount } from '../proc/mountinfo.js';
import type { DoctorContext } from './context.js';
import type { Evidence, Finding } from './finding.js';

export interface FilesystemFacts {
  mount: Mount;
  statfs: StatfsNumbers;
}

const filesystems = new WeakMap<DoctorContext, FilesystemFacts[]>();
const deleted = new WeakMap<DoctorContext, DeletedScan>();

/** Writable data filesystems (read-only ones, like squashfs snaps, are always "full") with their statfs. */
export function writableFilesystems(context: DoctorContext): FilesystemFacts[] {
  let facts = filesystems.get(context);
  if (!facts) {
    facts = [];
    for (const mount of dataFilesystems(context.mounts())) {
      if (isReadOnly(mount)) continue;
      try {
        const statfs = readStatfs(`${context.fsRoot}${mount.mountPoint}`);
        if (statfs.blocks > 0) facts.push({ mount, statfs });
      } catch {
        // unmounted or hidden meanwhile
      }
    }
    filesystems.set(context, facts);
  }
  return facts;
}

export function deletedOpenFiles(context: DoctorContext): DeletedScan {
  let scan = deleted.get(context);
  if (!scan) {
    scan = findDeletedOpenFiles(context.procRoot, context.mounts());
    deleted.set(context, scan);
  }
  return scan;
}

/** The one finding a disk check returns when all is well. */
export function okFinding(check: string, title: string, evidence: Evidence[] = [], detail?: string): Finding {
  return {
    check,
    resource: 'disk',
    severity: 'ok',
    title,
    evidence,
    next: [],
    ...(detail ? { detail } : {}),
  };
}
