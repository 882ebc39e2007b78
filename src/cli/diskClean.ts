/**
 * `hog disk clean [PATH...]`: build the cleanup plan and print it; with --apply (after confirmation, or
 * --yes) carry it out and log each step.
 */
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import type { Command } from 'commander';
import { classifyTree } from '../disk/categoryReport.js';
import { applyPlan, defaultLogPath } from '../disk/cleanApply.js';
import { runCommands } from '../disk/cleanCommands.js';
import { type CleanPlan, planCleanup } from '../disk/cleanPlan.js';
import { cannotRemove, isElfCore, openFiles, refusalReason } from '../disk/cleanSafety.js';
import { estimateCompressed, readFileHead } from '../disk/compressEstimate.js';
import { DisposableMatcher, defaultCacheHomes } from '../disk/disposable.js';
import { isReadOnly, mountOf, pseudoDevices } from '../disk/filesystems.js';
import { removeAddon } from '../disk/removeBeneath.js';
import { checkRoot } from '../disk/roots.js';
import { disposablePlaces } from '../disk/systemPaths.js';
import { TempRules } from '../disk/tempRules.js';
import { readTmpfilesRules } from '../disk/tmpfilesRules.js';
import { DiskTree } from '../disk/tree.js';
import { defaultThreads, walk } from '../disk/walk.js';
import { quote, UsageError } from '../errors.js';
import { readLocks } from '../proc/locks.js';
import { type Mount, readMountinfo } from '../proc/mountinfo.js';
import { readProcText } from '../proc/procFile.js';
import { renderPlan, writePlanJson } from '../render/cleanPlan.js';
import { terminalText } from '../render/terminalText.js';
import { formatBytes, formatCount } from '../render/units.js';
import { confirm } from './confirm.js';
import { type CliContext, rootsOf } from './context.js';

interface CleanCliOptions {
  apply?: boolean;
  yes?: boolean;
  olderThan: number;
  compressOver: number;
  force?: boolean;
  crossMounts?: boolean;
  log?: string;
  json?: boolean;
  all?: boolean;
}

/** The plan for a scanned tree, with the facts read from this machine: open files, locks, tmpfiles.d. */
function makePlan(
  tree: DiskTree,
  unreadable: number,
  procRoot: string,
  opts: CleanCliOptions,
  nowMs: number,
  notes: string[],
): CleanPlan {
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
  if (unreadable > 0)
    notes.push(`${unreadable} directories could not be read: what is inside is not in the plan`);
  const locks = readLocks(procRoot);
  const uid = process.getuid?.() ?? 0; // once, not per file (a system call each)
  const tmpfiles = readTmpfilesRules();
  for (const e of tmpfiles.errors.slice(0, 3))
    notes.push(`tmpfiles.d: ${e.source}: ${e.message} (line ignored)`);
  return planCleanup(
    tree,
    classifyTree(tree),
    {
      lstat: (p) => lstatSync(p),
      openBy: (dev, ino) => open.inodes.get(`${dev}:${ino}`),
      lockedBy: (dev, ino) => (locks.size > 0 ? locks.get(`${dev}:${ino}`) : undefined),
      isCoreDump: (p) => {
        try {
          return isElfCore(readFileHead(p, 20));
        } catch {
          return false;
        }
      },
      cannotRemove: (p) => cannotRemove(p, uid),
      compressedBytes: estimateCompressed,
    },
    { olderThanSeconds: opts.olderThan, compressOverBytes: opts.compressOver, nowMs },
    { temp: new TempRules(tmpfiles), caches: new DisposableMatcher(defaultCacheHomes()) },
  );
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
  if (opts.apply) removeAddon(); // without race-free deletion, say so before scanning
  const { roots, rootIds } = checkRoots(
    explicit ? paths : disposablePlaces().filter((p) => existsSync(p)),
    explicit,
    opts,
    mounts,
    notes,
  );
  if (roots.length === 0)
    throw new UsageError('nothing to clean: none of the usual places exist here', {
      hint: 'give a directory: hog disk clean DIR',
    });

  const { raw } = await walk({
    roots,
    // stay on each root's mount (by mount ID: a bind mount of the same filesystem is another mount)
    oneFileSystem: !opts.crossMounts,
    oneMount: !opts.crossMounts,
    mountPoints: mounts.map((m) => m.mountPoint),
    excludes: [],
    skipDevs: pseudoDevices(mounts),
    keepDepth: -1,
    topFiles: 0,
    byApparent: false,
    threads: defaultThreads(),
  });
  const plan = makePlan(new DiskTree(raw), raw.errors.length, procRoot, opts, context.clock.now(), notes);
  const emit = (line: string) => output.line(line);
  const drained = () => output.drained?.() ?? Promise.resolve();
  const empty = plan.actions.length === 0 && plan.commands.length === 0;

  if (!opts.apply || empty) {
    await showPlan(plan, paths, opts, output, notes);
    return;
  }
  if (!opts.json) await renderPlan(plan, output.columns, emit, opts.all, drained);
  await applyAndReport(plan, opts, context, drained, notes, rootIds);
}

/**
 * The roots to clean, each a directory, not refused (unless --force), on a writable filesystem, with
 * what each was when checked (--apply touches nothing under a root replaced since). A default place on
 * a read-only filesystem is left out with a note; one the user named is an error.
 */
function checkRoots(
  places: string[],
  explicit: boolean,
  opts: CleanCliOptions,
  mounts: Mount[],
  notes: string[],
): { roots: string[]; rootIds: Map<string, { dev: number; ino: number }> } {
  const roots: string[] = [];
  // what each root was when scanned: --apply touches nothing under a root replaced since
  const rootIds = new Map<string, { dev: number; ino: number }>();
  for (const given of places) {
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
    const st = lstatSync(real);
    rootIds.set(real, { dev: st.dev, ino: st.ino });
  }
  return { roots, rootIds };
}

/** Without --apply (or with nothing to do): the plan, as a table or JSON, and how to carry it out. */
async function showPlan(
  plan: CleanPlan,
  paths: string[],
  opts: CleanCliOptions,
  output: CliContext['output'],
  notes: string[],
): Promise<void> {
  const explicit = paths.length > 0;
  const emit = (line: string) => output.line(line);
  const drained = () => output.drained?.() ?? Promise.resolve();
  const empty = plan.actions.length === 0 && plan.commands.length === 0;
  if (opts.json)
    await writePlanJson(
      plan,
      (t) => output.write(t),
      {
        applied: opts.apply ? { results: [], freedBytes: 0, log: null } : null,
        notes,
      },
      drained,
    );
  else {
    await renderPlan(plan, output.columns, emit, opts.all, drained);
    if (!empty)
      output.line(
        `\nNothing was changed. To do it: hog disk clean ${explicit ? paths.join(' ') : ''}${explicit ? ' ' : ''}--apply`,
      );
  }
  for (const n of notes) output.error(`note: ${n}`);
}

/** Ask, carry the plan out (files, then the commands), and say what was done. */
async function applyAndReport(
  plan: CleanPlan,
  opts: CleanCliOptions,
  { output, terminal }: Pick<CliContext, 'output' | 'terminal'>,
  drained: () => Promise<void>,
  notes: string[],
  rootIds: Map<string, { dev: number; ino: number }>,
): Promise<void> {
  const deletes = plan.actions.count('delete');
  const compresses = plan.actions.length - deletes;
  const steps = [
    ...plan.commands.map((c) => `run ${c.command.join(' ')}`),
    deletes > 0 ? `delete ${formatCount(deletes)} files` : '',
    compresses > 0 ? `compress ${formatCount(compresses)} logs` : '',
  ].filter((s) => s !== '');
  const question = `${steps.join(', ').replace(/^./, (c) => c.toUpperCase())}, freeing about ${formatBytes(plan.freesBytes)}?`;
  if (!opts.yes && !(await confirm(terminal, question, 'hog disk clean --apply'))) {
    output.error('nothing done');
    return;
  }
  const logPath = opts.log ?? defaultLogPath();
  const applied = await applyPlan(
    plan,
    logPath,
    (r) => {
      if (!opts.json && r.status !== 'done')
        output.error(`${r.status}: ${terminalText(r.path)}: ${terminalText(r.message ?? '')}`);
    },
    { crossMounts: opts.crossMounts === true, rootIds },
  );
  const ran = runCommands(plan.commands, logPath);
  for (const r of ran)
    if (!opts.json && r.status !== 'done')
      output.error(`failed: ${terminalText(r.command)}: ${terminalText(r.message ?? '')}`);
  const freed = applied.freedBytes + ran.reduce((sum, r) => sum + r.freedBytes, 0);
  if (opts.json)
    await writePlanJson(
      plan,
      (t) => output.write(t),
      {
        applied: { ...applied, commands: ran, freedBytes: freed, log: logPath },
        notes,
      },
      drained,
    );
  else {
    let done = 0;
    for (const r of applied.results) if (r.status === 'done') done++;
    for (const r of ran) if (r.status === 'done') done++;
    output.line(
      `\nDone: ${formatCount(done)} of ${formatCount(plan.actions.length + plan.commands.length)} actions, ${formatBytes(freed)} freed. Log: ${logPath}`,
    );
  }
  for (const n of notes) output.error(`note: ${n}`);
}
