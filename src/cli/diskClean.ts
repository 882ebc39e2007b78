/**
 * `hog disk clean [PATH...]`: build the cleanup plan and print it; with --apply (after confirmation, or
 * --yes) carry it out and log each step.
 */
import { closeSync, existsSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { classifyTree } from '../disk/categoryReport.js';
import { applyPlan, defaultLogPath } from '../disk/cleanApply.js';
import { type CleanPlan, planCleanup } from '../disk/cleanPlan.js';
import { cannotRemove, isElfCore, openFiles, refusalReason } from '../disk/cleanSafety.js';
import { isReadOnly, mountOf, pseudoDevices } from '../disk/filesystems.js';
import { checkRoot } from '../disk/roots.js';
import { DiskTree } from '../disk/tree.js';
import { defaultThreads, walk } from '../disk/walk.js';
import { quote, UsageError } from '../errors.js';
import { readMountinfo } from '../proc/mountinfo.js';
import { readProcText } from '../proc/procFile.js';
import { renderTable, type TableColumn } from '../render/table.js';
import { terminalText } from '../render/terminalText.js';
import { formatBytes, formatCount, formatDuration } from '../render/units.js';
import { confirm } from './confirm.js';
import { type CliContext, rootsOf } from './context.js';

interface CleanCliOptions {
  apply?: boolean;
  yes?: boolean;
  olderThan: number;
  compressOver: number;
  force?: boolean;
  log?: string;
  json?: boolean;
}

/** Where logs, caches, temporary files and crash dumps collect on a Linux system. */
export function defaultPlaces(home = homedir()): string[] {
  return [
    '/var/log',
    '/var/cache',
    '/var/tmp',
    '/tmp',
    '/var/crash',
    '/var/lib/systemd/coredump',
    join(home, '.cache'),
  ];
}

function readHeader(path: Buffer, bytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/** gzip's ratio on the first MiB, applied to the whole file, rounded up to 4 KiB blocks. */
function estimateCompressed(path: Buffer, apparentBytes: number): number {
  // zlib loads only when a cleanup has a log to compress
  const { gzipSync } = createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib');
  try {
    const sample = readHeader(path, 1024 * 1024);
    if (sample.length === 0) return 0;
    const ratio = gzipSync(sample).length / sample.length;
    return Math.ceil((apparentBytes * ratio) / 4096) * 4096;
  } catch {
    return apparentBytes;
  }
}

export async function runClean(
  paths: string[],
  opts: CleanCliOptions,
  command: Command,
  context: CliContext,
): Promise<void> {
  const { procRoot } = rootsOf(command);
  const { output } = context;
  const mounts = readMountinfo('self', procRoot);
  const explicit = paths.length > 0;
  const notes: string[] = [];
  const roots: string[] = [];
  for (const given of explicit ? paths : defaultPlaces().filter((p) => existsSync(p))) {
    const root = checkRoot(given);
    if (!root.stats.isDirectory()) {
      throw new UsageError(`hog disk clean takes directories; ${quote(given)} is a file`, {
        hint: `to remove one file, use rm; to see what is in its directory: hog disk clean ${given.replace(/\/[^/]*$/, '') || '/'}`,
      });
    }
    const real = realpathSync(root.path);
    const refusal = refusalReason(real);
    if (refusal && !opts.force) {
      throw new UsageError(`refusing to clean ${quote(given)}: ${refusal}`, {
        hint: 'give a more specific directory (e.g. /var/log), or add --force if you mean it',
      });
    }
    const mount = mountOf(real, mounts);
    if (mount && isReadOnly(mount)) {
      if (!explicit) {
        notes.push(`${given} is on a read-only filesystem (${mount.mountPoint}): left out`);
        continue;
      }
      throw new UsageError(
        `${quote(given)} is on a read-only filesystem (${mount.mountPoint} is mounted ro): nothing there can be removed`,
        {
          hint: `if it should be writable: mount -o remount,rw ${mount.mountPoint}`,
        },
      );
    }
    roots.push(real);
  }
  if (roots.length === 0)
    throw new UsageError('nothing to clean: none of the usual places exist here', {
      hint: 'give a directory: hog disk clean DIR',
    });

  const { raw } = await walk({
    roots,
    oneFileSystem: true,
    excludes: [],
    skipDevs: pseudoDevices(mounts),
    keepDepth: -1,
    topFiles: 0,
    byApparent: false,
    threads: defaultThreads(),
  });
  const tree = new DiskTree(raw);
  const comm = (pid: number) => {
    try {
      return readProcText(`${procRoot}/${pid}/comm`).trim();
    } catch {
      return '?';
    }
  };
  const open = openFiles(procRoot, comm);
  if (open.denied > 0)
    notes.push(
      `files open in ${open.denied} processes of other users cannot be seen (run as root): such a file would be removed without freeing space`,
    );
  if (raw.errors.length > 0)
    notes.push(`${raw.errors.length} directories could not be read: what is inside is not in the plan`);
  const plan = planCleanup(
    tree,
    classifyTree(tree),
    {
      lstat: (p) => lstatSync(p),
      openBy: (dev, ino) => open.inodes.get(`${dev}:${ino}`),
      isCoreDump: (p) => {
        try {
          return isElfCore(readHeader(p, 20));
        } catch {
          return false;
        }
      },
      cannotRemove: (p) => cannotRemove(p),
      compressedBytes: estimateCompressed,
    },
    { olderThanSeconds: opts.olderThan, compressOverBytes: opts.compressOver, nowMs: context.clock.now() },
  );

  if (!opts.apply) {
    if (opts.json) output.line(JSON.stringify({ plan: stripPlanned(plan), applied: null, notes }));
    else {
      output.lines(renderPlan(plan, output.columns));
      if (plan.actions.length > 0)
        output.line(
          `\nNothing was changed. To do it: hog disk clean ${explicit ? paths.join(' ') : ''}${explicit ? ' ' : ''}--apply`,
        );
    }
    for (const n of notes) output.error(`note: ${n}`);
    return;
  }
  if (plan.actions.length === 0) {
    if (opts.json)
      output.line(
        JSON.stringify({
          plan: stripPlanned(plan),
          applied: { results: [], freedBytes: 0, log: null },
          notes,
        }),
      );
    else output.lines(renderPlan(plan, output.columns));
    return;
  }
  if (!opts.json) output.lines(renderPlan(plan, output.columns));
  const question = `Delete ${plan.actions.filter((a) => a.action === 'delete').length} files and compress ${plan.actions.filter((a) => a.action === 'compress').length}, freeing about ${formatBytes(plan.freesBytes)}?`;
  if (!opts.yes && !(await confirm(question, 'hog disk clean --apply'))) {
    output.error('nothing done');
    return;
  }
  const logPath = opts.log ?? defaultLogPath();
  const applied = await applyPlan(plan, logPath, (r) => {
    if (!opts.json && r.status !== 'done')
      output.error(`${r.status}: ${terminalText(r.path)}: ${terminalText(r.message ?? '')}`);
  });
  if (opts.json)
    output.line(JSON.stringify({ plan: stripPlanned(plan), applied: { ...applied, log: logPath }, notes }));
  else {
    const done = applied.results.filter((r) => r.status === 'done').length;
    output.line(
      `\nDone: ${formatCount(done)} of ${formatCount(plan.actions.length)} actions, ${formatBytes(applied.freedBytes)} freed. Log: ${logPath}`,
    );
  }
  for (const n of notes) output.error(`note: ${n}`);
}

function stripPlanned(plan: CleanPlan) {
  return { ...plan, actions: plan.actions.map(({ planned: _planned, ...rest }) => rest) };
}

export function renderPlan(plan: CleanPlan, width: number | undefined): string[] {
  const lines = [
    `hog disk clean: plan for ${plan.roots.map((r) => terminalText(r)).join(', ')} (older than ${formatDuration(plan.options.olderThanSeconds)}, compress from ${formatBytes(plan.options.compressOverBytes)})`,
  ];
  if (plan.actions.length === 0)
    lines.push(
      '',
      'Nothing to clean: no old rotated logs, big logs, stale caches, old temporary files or core dumps.',
    );
  else {
    const columns: TableColumn<CleanPlan['actions'][number]>[] = [
      { header: 'ACTION', align: 'left', text: (a) => a.action },
      {
        header: 'FREES',
        align: 'right',
        text: (a) => `${a.estimated ? '~' : ''}${formatBytes(a.freesBytes)}`,
      },
      { header: 'WHY', align: 'left', text: (a) => a.reason },
      { header: 'PATH', align: 'left', flex: true, text: (a) => a.path },
    ];
    lines.push('');
    for (const line of renderTable(columns, plan.actions, { width })) lines.push(line);
    lines.push(
      '',
      `${formatCount(plan.actions.length)} actions free ${plan.actions.some((a) => a.estimated) ? 'about ' : ''}${formatBytes(plan.freesBytes)}.`,
    );
  }
  if (plan.skipped.length > 0) {
    lines.push('', 'Left alone:');
    for (const s of plan.skipped.slice(0, 20))
      lines.push(`  ${terminalText(s.path)} (${formatBytes(s.allocatedBytes)}): ${s.reason}`);
    if (plan.skipped.length > 20) lines.push(`  … and ${plan.skipped.length - 20} more`);
  }
  return lines;
}
