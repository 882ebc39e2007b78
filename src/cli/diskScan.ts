/**
 * `hog disk [PATH...]`: scan (or import a saved scan), then print the report, the category split, an
 * export, or open the browser.
 */
import type { Command } from 'commander';
import { buildCategoryReport } from '../disk/categoryReport.js';
import { pseudoDevices } from '../disk/filesystems.js';
import { writeNcduExport } from '../disk/ncduFormat.js';
import { checkRoot } from '../disk/roots.js';
import { readSavedScan } from '../disk/savedScan.js';
import { buildScanReport } from '../disk/scanReport.js';
import type { RawScan, WalkerInfo, WalkProgress } from '../disk/scanTypes.js';
import { type Basis, DiskTree } from '../disk/tree.js';
import { defaultThreads, walk } from '../disk/walk.js';
import { UsageError } from '../errors.js';
import { readMountinfo } from '../proc/mountinfo.js';
import { renderCategoryReport } from '../render/diskCategories.js';
import { renderScanReport, scanNotes } from '../render/diskReport.js';
import { openProgressLine } from '../render/progressLine.js';
import { formatBytes, formatCount, formatDuration } from '../render/units.js';
import { type CliContext, rootsOf } from './context.js';

export interface ScanOptions {
  apparent?: boolean;
  oneFileSystem?: boolean;
  exclude?: string[];
  depth: number;
  top: number;
  by?: 'category';
  interactive?: boolean;
  export?: string;
  import?: string;
  json?: boolean;
  threads?: number;
  progress: boolean;
  logSize: number;
  logAge: number;
}

export async function runScan(
  paths: string[],
  opts: ScanOptions,
  command: Command,
  context: CliContext,
): Promise<void> {
  if (opts.import !== undefined && paths.length > 0) {
    throw new UsageError('give either PATHs to scan or --import FILE, not both');
  }
  if (opts.export === '-' && (opts.json || opts.interactive)) {
    throw new UsageError('--export - writes the scan to stdout: it cannot go with --json or -i');
  }
  if (opts.interactive && opts.json) throw new UsageError('choose one of -i and --json');
  if (opts.import !== undefined && opts.export !== undefined)
    throw new UsageError('--import reads a saved scan; --export saves one: choose one');
  const basis: Basis = opts.apparent ? 'apparent' : 'allocated';
  const started = context.clock.monotonic();
  const { raw, walker } =
    opts.import !== undefined ? await importScan(opts.import) : await scanPaths(paths, opts, command);
  const durationSeconds = (context.clock.monotonic() - started) / 1000;
  const tree = new DiskTree(raw);
  const now = context.clock.now();

  if (opts.export !== undefined) {
    await writeNcduExport(tree, opts.export, now);
    if (opts.export === '-') return;
  }
  if (opts.interactive) {
    const { browse } = await import('./diskBrowse.js');
    await browse(tree, { basis, readOnly: walker.kind === 'import', now }, context);
    return;
  }
  const { output } = context;
  if (opts.by === 'category') {
    const report = buildCategoryReport(tree, {
      basis,
      now,
      logSizeBytes: opts.logSize,
      logAgeSeconds: opts.logAge,
      top: opts.top,
    });
    if (opts.json) output.line(JSON.stringify({ ...report, walker, durationSeconds }));
    else output.lines(renderCategoryReport(report, { width: output.columns, now }));
    return;
  }
  const report = buildScanReport(tree, {
    basis,
    depth: opts.depth,
    top: opts.top,
    now,
    walker,
    durationSeconds,
  });
  if (opts.json) {
    output.line(JSON.stringify(report));
    return;
  }
  output.lines(renderScanReport(report, { width: output.columns, now }));
  for (const note of scanNotes(report, process.getuid?.() === 0)) output.error(`note: ${note}`);
}

async function importScan(file: string): Promise<{ raw: RawScan; walker: WalkerInfo }> {
  const raw = await readSavedScan(file);
  return { raw, walker: { kind: 'import', threads: 0, source: file === '-' ? 'stdin' : file } };
}

async function scanPaths(
  paths: string[],
  opts: ScanOptions,
  command: Command,
): Promise<{ raw: RawScan; walker: WalkerInfo }> {
  const roots = (paths.length > 0 ? paths : ['.']).map((p) => checkRoot(p));
  const { procRoot } = rootsOf(command);
  let skipDevs: number[] = [];
  try {
    const rootDevs = new Set(roots.map((r) => r.stats.dev));
    skipDevs = pseudoDevices(readMountinfo('self', procRoot)).filter((d) => !rootDevs.has(d));
  } catch {
    // no mount table (a chroot without /proc): nothing known to skip
  }
  const keepAll = opts.interactive || opts.export !== undefined || opts.by === 'category';
  const stderr = process.stderr;
  const line = opts.progress && stderr.isTTY && opts.export !== '-' ? openProgressLine(stderr) : undefined;
  const started = Date.now();
  const onProgress = line
    ? (p: WalkProgress) =>
        line.update(
          `scanning: ${formatCount(p.files)} files, ${formatCount(p.directories)} dirs, ${formatBytes(opts.apparent ? p.apparentBytes : p.allocatedBytes)}, ${formatDuration((Date.now() - started) / 1000)}  ${p.current}`,
        )
    : undefined;
  try {
    return await walk(
      {
        roots: roots.map((r) => r.path),
        oneFileSystem: opts.oneFileSystem === true,
        excludes: opts.exclude ?? [],
        skipDevs,
        keepDepth: keepAll ? -1 : opts.depth,
        topFiles: keepAll ? 0 : opts.top,
        byApparent: opts.apparent === true,
        threads: opts.threads ?? defaultThreads(),
      },
      { onProgress },
    );
  } finally {
    line?.stop();
  }
}
