/**
 * The paths a disk command was given, checked before any work: each must exist, and a directory must be
 * readable by the user running hog. Errors say which path and how to fix it. Also the devices a scan of
 * them leaves out.
 */
import { accessSync, constants, type Stats, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { errnoCode, NotFoundError, PermissionError, quote, UsageError } from '../errors.js';
import { readMountinfo } from '../proc/mountinfo.js';
import { pseudoDevices } from './filesystems.js';

export interface Root {
  /** Absolute path, as given (not resolved through symlinks). */
  path: string;
  stats: Stats;
}

export function checkRoot(given: string, cwd = process.cwd()): Root {
  if (given === '')
    throw new UsageError('an empty path was given', { hint: 'give a directory, e.g. . or /var' });
  const path = resolve(cwd, given);
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new NotFoundError(`no such file or directory: ${quote(given)}`, {
        hint: `check the path; ${given === 'deleted' || given === 'df' || given === 'clean' ? `to run the subcommand, write \`hog disk ${given}\` with its options after it` : 'hog disk scans directories and reports single files'}`,
        cause: error,
      });
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new PermissionError(`permission denied: cannot reach ${quote(given)}`, {
        hint: 'a directory above it is not searchable by this user: run hog as root (sudo) or as the owner',
        cause: error,
      });
    }
    if (code === 'ELOOP') {
      throw new UsageError(`too many levels of symbolic links: ${quote(given)}`, {
        hint: 'the path is a symlink loop; give the real directory',
        cause: error,
      });
    }
    throw error;
  }
  if (stats.isDirectory()) {
    try {
      accessSync(path, constants.R_OK | constants.X_OK);
    } catch (error) {
      throw new PermissionError(`permission denied: cannot read directory ${quote(given)}`, {
        hint: `run hog as root (sudo hog disk ${given}) or as the directory's owner (see ls -ld ${given})`,
        cause: error,
      });
    }
  }
  return { path, stats };
}

/**
 * The devices a scan of these roots does not enter: the pseudo filesystems (proc, sysfs...) mounted
 * below them, unless one is a root itself.
 */
export function devicesToSkip(rootPaths: readonly string[], procRoot: string): number[] {
  try {
    const rootDevs = new Set(rootPaths.map((r) => statSync(r).dev));
    return pseudoDevices(readMountinfo('self', procRoot)).filter((d) => !rootDevs.has(d));
  } catch {
    // no mount table (a chroot without /proc): nothing known to skip
    return [];
  }
}
