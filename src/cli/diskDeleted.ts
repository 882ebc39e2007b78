/**
 * `hog disk deleted`: files deleted but held open, with their holders and what they would give back;
 * `--reclaim PID:FD` truncates one after confirmation.
 */
import { statfsSync } from 'node:fs';
import type { Command } from 'commander';
import { findDeletedOpenFiles, totalsByFilesystem, writeMode } from '../disk/deleted.js';
import { mountOf } from '../disk/filesystems.js';
import {
  harmOfTruncating,
  locateTarget,
  offsetWriters,
  parsePidFd,
  reclaimWarnings,
  truncateTarget,
} from '../disk/reclaim.js';
import { UsageError } from '../errors.js';
import { readMountinfo } from '../proc/mountinfo.js';
import { renderDeletedFiles } from '../render/deletedFiles.js';
import { terminalText } from '../render/terminalText.js';
import { formatBytes } from '../render/units.js';
import { confirm } from './confirm.js';
import { type CliContext, rootsOf } from './context.js';

interface DeletedOptions {
  json?: boolean;
  minSize: number;
  reclaim?: string;
  yes?: boolean;
  force?: boolean;
}

export async function runDeleted(opts: DeletedOptions, command: Command, context: CliContext): Promise<void> {
  const { procRoot } = rootsOf(command);
  const mounts = readMountinfo('self', procRoot);
  if (opts.reclaim !== undefined) return reclaim(opts, procRoot, context);
  const scan = findDeletedOpenFiles(procRoot, mounts);
  const files = scan.files.filter((f) => f.allocatedBytes >= opts.minSize);
  const filesystems = totalsByFilesystem(files);
  const notes: string[] = [];
  if (scan.deniedProcesses > 0) {
    notes.push(
      `the open files of ${scan.deniedProcesses} processes of other users are not visible: run hog as root (sudo) to see them`,
    );
  }
  const { output } = context;
  if (opts.json) {
    output.line(
      JSON.stringify({
        files: files.map((f) => ({
          path: f.path,
          dev: f.dev,
          ino: f.ino,
          allocatedBytes: f.allocatedBytes,
          apparentBytes: f.apparentBytes,
          mountPoint: f.mountPoint ?? null,
          fsType: f.fsType ?? null,
          writes: writeMode(f),
          holders: f.holders.map((h) => ({
            pid: h.pid,
            fd: h.fd,
            command: h.command,
            offset: h.fdinfo?.pos ?? null,
            writable: h.fdinfo?.writable ?? null,
            append: h.fdinfo?.append ?? null,
          })),
        })),
        filesystems,
        deniedProcesses: scan.deniedProcesses,
        notes,
      }),
    );
    return;
  }
  output.lines(renderDeletedFiles(files, filesystems, opts.minSize, output.columns));
  for (const note of notes) output.error(`note: ${note}`);
}

async function reclaim(opts: DeletedOptions, procRoot: string, context: CliContext): Promise<void> {
  const { pid, fd } = parsePidFd(opts.reclaim as string);
  const target = locateTarget(pid, fd, procRoot);
  // a mapped file or shared memory: truncating it would kill a process (SIGBUS); never forced
  const { harm, unchecked } = harmOfTruncating(target, procRoot);
  if (harm) throw harm;
  const mounts = readMountinfo('self', procRoot);
  const others =
    findDeletedOpenFiles(procRoot, mounts)
      .files.find((f) => f.dev === target.dev && f.ino === target.ino)
      ?.holders.filter((h) => h.pid !== pid || h.fd !== fd) ?? [];
  const warnings = reclaimWarnings(target, others);
  for (const u of unchecked.slice(0, 5))
    warnings.push(
      `the memory maps of PID ${u.pid} (${u.command}) cannot be read even as root: if it maps this file, truncating it kills it (SIGBUS)`,
    );
  const offset = offsetWriters([{ pid, fd, fdinfo: target.fdinfo }, ...others]);
  if (offset.length > 0 && !opts.force) {
    const w = offset[0] as (typeof offset)[number];
    throw new UsageError(
      `PID ${w.pid} fd ${w.fd} writes to ${target.path} without O_APPEND (at offset ${w.fdinfo?.pos}): after the truncation its next write leaves a file of that size with a hole (sparse: little space, but it reads as zeros); nothing done`,
      { hint: 'add --force to truncate anyway, or restart the process to free the space' },
    );
  }
  const { output } = context;
  const mount = mountOf(target.path, mounts);
  const free = () =>
    mount ? statfsSync(mount.mountPoint).bavail * statfsSync(mount.mountPoint).bsize : undefined;
  output.error(
    `Truncate ${terminalText(target.path)} (deleted), ${formatBytes(target.allocatedBytes)} on disk, held by PID ${pid} (${terminalText(target.command)}) fd ${fd}, to 0 bytes?`,
  );
  for (const w of warnings) output.error(`warning: ${terminalText(w)}`);
  if (!opts.yes && !(await confirm(context.terminal, 'Go ahead?', '--reclaim'))) {
    output.error('nothing done');
    return;
  }
  const before = free();
  // checked again once hog holds the file: a process may have mapped it while the question was open
  const after = truncateTarget(target, procRoot, () => {
    const again = harmOfTruncating(target, procRoot).harm;
    if (again) throw again;
  });
  const freed = target.allocatedBytes - after;
  const now = free();
  const result = {
    pid,
    fd,
    path: target.path,
    freedBytes: freed,
    allocatedBytesBefore: target.allocatedBytes,
    allocatedBytesAfter: after,
    mountPoint: mount?.mountPoint ?? null,
    availableBytesBefore: before ?? null,
    availableBytesAfter: now ?? null,
    warnings,
  };
  if (opts.json) output.line(JSON.stringify(result));
  else {
    output.line(`truncated ${terminalText(target.path)} (deleted): ${formatBytes(freed)} freed`);
    if (before !== undefined && now !== undefined && mount) {
      output.line(
        `available on ${terminalText(mount.mountPoint)}: ${formatBytes(before)} -> ${formatBytes(now)} (${now >= before ? '+' : ''}${formatBytes(now - before)})`,
      );
    }
  }
}
