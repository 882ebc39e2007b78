/**
 * `hog disk deleted`: files deleted but held open, with their holders and what they would give back;
 * `--reclaim PID:FD` truncates one after confirmation.
 */
import { statfsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  type DeletedFile,
  type FilesystemDeleted,
  findDeletedOpenFiles,
  totalsByFilesystem,
} from '../disk/deleted.js';
import { mountOf } from '../disk/filesystems.js';
import {
  harmOfTruncating,
  locateTarget,
  offsetWriterRefusal,
  otherHolders,
  parsePidFd,
  reclaimWarnings,
  truncateTarget,
} from '../disk/reclaim.js';
import { readMountinfo } from '../proc/mountinfo.js';
import { renderDeletedFiles } from '../render/deletedFiles.js';
import { terminalText } from '../render/terminalText.js';
import { formatBytes } from '../render/units.js';
import { confirm } from './confirm.js';
import { type CliContext, rootsOf } from './context.js';
import type { Output } from './output.js';

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
    output.line(JSON.stringify(deletedJson(files, filesystems, scan.deniedProcesses, notes)));
    return;
  }
  output.lines(renderDeletedFiles(files, filesystems, opts.minSize, output.columns));
  for (const note of notes) output.error(`note: ${note}`);
}

/** --json: each file with its holders' open modes, the totals per filesystem, and what was not visible. */
function deletedJson(
  files: DeletedFile[],
  filesystems: FilesystemDeleted[],
  deniedProcesses: number,
  notes: string[],
): object {
  return {
    files: files.map((f) => ({
      path: f.path,
      dev: f.dev,
      ino: f.ino,
      allocatedBytes: f.allocatedBytes,
      apparentBytes: f.apparentBytes,
      mountPoint: f.mountPoint ?? null,
      fsType: f.fsType ?? null,
      writes: f.writes,
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
    deniedProcesses,
    notes,
  };
}

async function reclaim(opts: DeletedOptions, procRoot: string, context: CliContext): Promise<void> {
  const { pid, fd } = parsePidFd(opts.reclaim as string);
  const target = locateTarget(pid, fd, procRoot);
  // a mapped file or shared memory: truncating it would kill a process (SIGBUS); never forced
  const { harm, unchecked } = harmOfTruncating(target, procRoot);
  if (harm) throw harm;
  const mounts = readMountinfo('self', procRoot);
  const others = otherHolders(target, procRoot, mounts);
  const warnings = reclaimWarnings(target, others, unchecked);
  const refusal = offsetWriterRefusal(target, others);
  if (refusal && !opts.force) throw refusal;
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
  const result: Reclaimed = {
    pid,
    fd,
    path: target.path,
    freedBytes: target.allocatedBytes - after,
    allocatedBytesBefore: target.allocatedBytes,
    allocatedBytesAfter: after,
    mountPoint: mount?.mountPoint ?? null,
    availableBytesBefore: before ?? null,
    availableBytesAfter: free() ?? null,
    warnings,
  };
  if (opts.json) output.line(JSON.stringify(result));
  else reportReclaimed(result, output);
}

/** --reclaim's result; --json prints it as it is. */
interface Reclaimed {
  pid: number;
  fd: number;
  path: string;
  freedBytes: number;
  allocatedBytesBefore: number;
  allocatedBytesAfter: number;
  mountPoint: string | null;
  availableBytesBefore: number | null;
  availableBytesAfter: number | null;
  warnings: string[];
}

function reportReclaimed(result: Reclaimed, output: Output): void {
  const { availableBytesBefore: before, availableBytesAfter: now, mountPoint } = result;
  output.line(`truncated ${terminalText(result.path)} (deleted): ${formatBytes(result.freedBytes)} freed`);
  if (before !== null && now !== null && mountPoint !== null) {
    output.line(
      `available on ${terminalText(mountPoint)}: ${formatBytes(before)} -> ${formatBytes(now)} (${now >= before ? '+' : ''}${formatBytes(now - before)})`,
    );
  }
}
