/**
 * `hog disk df [PATH...]`: each filesystem's size, used, available and reserved space, with used split
 * into visible files, deleted-but-open files and what is left unexplained; and inode use.
 */
import type { Command } from 'commander';
import { findDeletedOpenFiles } from '../disk/deleted.js';
import { dataFilesystems, readStatfs } from '../disk/df.js';
import { explain, type Reconciliation, reconcile } from '../disk/dfReconcile.js';
import { deviceOf, pseudoDevices } from '../disk/filesystems.js';
import { checkRoot } from '../disk/roots.js';
import { DiskTree } from '../disk/tree.js';
import { defaultThreads, walk } from '../disk/walk.js';
import { type Mount, readMountinfo } from '../proc/mountinfo.js';
import { openProgressLine, type ProgressLine } from '../render/progressLine.js';
import { terminalText } from '../render/terminalText.js';
import { formatBytes, formatCount } from '../render/units.js';
import { type CliContext, rootsOf } from './context.js';

interface DfOptions {
  json?: boolean;
  scan: boolean;
  threads?: number;
}

export interface FilesystemReport extends Reconciliation {
  mountPoint: string;
  source: string;
  fsType: string;
  /** The part of the filesystem mounted here, when not all of it. */
  mountedRoot: string;
  scan: { files: number; directories: number; unreadableDirectories: number; walker: string } | undefined;
  explanations: string[];
}

export async function runDf(
  paths: string[],
  opts: DfOptions,
  command: Command,
  context: CliContext,
): Promise<void> {
  const { procRoot } = rootsOf(command);
  const mounts = readMountinfo('self', procRoot);
  const given = paths.map((p) => checkRoot(p).path);
  const filesystems = dataFilesystems(mounts, given);
  const deleted = findDeletedOpenFiles(procRoot, mounts);
  const deletedByDev = new Map<number, number>();
  for (const f of deleted.files) deletedByDev.set(f.dev, (deletedByDev.get(f.dev) ?? 0) + f.allocatedBytes);
  const skipDevs = pseudoDevices(mounts);
  const reports: FilesystemReport[] = [];
  const line = opts.scan && process.stderr.isTTY ? openProgressLine(process.stderr) : undefined;
  try {
    for (const m of filesystems) {
      let statfs: ReturnType<typeof readStatfs>;
      try {
        statfs = readStatfs(m.mountPoint);
      } catch {
        continue; // unmounted meanwhile, or hidden
      }
      if (statfs.blocks === 0 && given.length === 0) continue; // df leaves these out too
      const scanned = opts.scan
        ? await scanFilesystem(m.mountPoint, skipDevs, opts.threads, line)
        : undefined;
      reports.push(filesystemReport(m, statfs, scanned, deletedByDev.get(deviceOf(m)) ?? 0));
    }
  } finally {
    line?.stop();
  }
  const notes: string[] = [];
  if (deleted.deniedProcesses > 0)
    notes.push(
      `deleted-but-open files of ${deleted.deniedProcesses} processes of other users are not counted: run hog as root`,
    );
  const { output } = context;
  if (opts.json) {
    output.line(JSON.stringify({ filesystems: reports, notes }));
    return;
  }
  for (const [k, r] of reports.entries()) {
    if (k > 0) output.line();
    output.lines(renderFilesystem(r));
  }
  for (const note of notes) output.error(`note: ${note}`);
}

/** What a scan of the filesystem at `mountPoint` sees: its bytes and inodes, and how the scan went. */
async function scanFilesystem(
  mountPoint: string,
  skipDevs: number[],
  threads: number | undefined,
  line: ProgressLine | undefined,
): Promise<{ visible: { bytes: number; inodes: number }; scan: NonNullable<FilesystemReport['scan']> }> {
  const { raw, walker } = await walk(
    {
      roots: [mountPoint],
      oneFileSystem: true,
      excludes: [],
      skipDevs,
      keepDepth: 0,
      topFiles: 0,
      byApparent: false,
      threads: threads ?? defaultThreads(),
    },
    {
      onProgress: line
        ? (p) =>
            line.update(
              `scanning ${mountPoint}: ${formatCount(p.files)} files, ${formatBytes(p.allocatedBytes)}`,
            )
        : undefined,
    },
  );
  const totals = new DiskTree(raw).totals();
  return {
    visible: { bytes: totals.allocatedBytes, inodes: totals.files + totals.directories },
    scan: {
      files: totals.files,
      directories: totals.directories,
      unreadableDirectories: raw.errors.length,
      walker: walker.kind,
    },
  };
}

/** One filesystem's df figures reconciled with what a scan saw and the deleted-but-open files. */
function filesystemReport(
  m: Mount,
  statfs: ReturnType<typeof readStatfs>,
  scanned: Awaited<ReturnType<typeof scanFilesystem>> | undefined,
  deletedBytes: number,
): FilesystemReport {
  const r = reconcile(statfs, scanned?.visible, deletedBytes);
  return {
    mountPoint: m.mountPoint,
    source: m.source,
    fsType: m.fsType,
    mountedRoot: m.root,
    ...r,
    scan: scanned?.scan,
    explanations: explain(r, {
      fsType: m.fsType,
      partial: m.root !== '/',
      unreadable: scanned?.scan.unreadableDirectories ?? 0,
    }),
  };
}

export function renderFilesystem(r: FilesystemReport): string[] {
  const b = formatBytes;
  const lines = [
    `${terminalText(r.mountPoint)} (${terminalText(r.fsType)} on ${terminalText(r.source)}${r.mountedRoot !== '/' ? `, only ${terminalText(r.mountedRoot)} mounted here` : ''}): ${r.usePercent}% used`,
    `  size ${b(r.sizeBytes)} = used ${b(r.usedBytes)} + available ${b(r.availableBytes)} + reserved for root ${b(r.reservedBytes)}`,
  ];
  if (r.visibleBytes !== undefined && r.unexplainedBytes !== undefined) {
    lines.push(
      `  used ${b(r.usedBytes)} = visible files ${b(r.visibleBytes)} + deleted but open ${b(r.deletedOpenBytes)} + unexplained ${b(r.unexplainedBytes)}`,
    );
  } else {
    lines.push(
      `  used ${b(r.usedBytes)}: deleted but open ${b(r.deletedOpenBytes)}; visible files not scanned (--no-scan)`,
    );
  }
  const i = r.inodes;
  lines.push(
    i.total > 0
      ? `  inodes: ${formatCount(i.used)} of ${formatCount(i.total)} used (${i.usePercent}%)${i.visible !== undefined ? `, ${formatCount(i.visible)} seen by the scan` : ''}`
      : '  inodes: no fixed limit on this filesystem',
  );
  for (const e of r.explanations) lines.push(`  - ${terminalText(e)}`);
  return lines;
}
