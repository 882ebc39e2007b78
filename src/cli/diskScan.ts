/**
 * `hog disk [PATH...]`: scan (or import a saved scan), then print the report, the category split, an
 * export, or open the browser.
 */
import type { Command } from 'commander';
import { buildCategoryReport } from '../disk/categoryReport.js';
import { writeNcduExport } from '../disk/ncduFormat.js';
import { checkRoot, devicesToSkip } from '../disk/roots.js';
import { readSavedScan } from '../disk/savedScan.js';
import { buildScanReport } from '../disk/scanReport.js';
import type { RawScan, WalkerInfo, WalkProgress } from '../disk/scanTypes.js';
import { type Basis, DiskTree } from '../disk/tree.js';
import { defaultThreads, walk } from '../disk/walk.js';
import { UsageError } from '../errors.js';
import { renderCategoryReport } from '../render/diskCategories.js';
import { renderScanReport, scanNotes } from '../render/diskReport.js';
import { openProgressLine } from '../render/progressLine.js';
import { formatBytes, formatCount, formatDuration } from '../render/units.js';
import { type CliContext, rootsOf } from './context.js';
import type { Output } from './output.js';

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
  checkScanOptions(paths, opts);
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
  const scanned: Scanned = { tree, basis, now, walker, durationSeconds };
  if (opts.by === 'category') reportCategories(scanned, opts, context.output);
  else reportScan(scanned, opts, context.output);
}

/** The options that do not go together. */
function checkScanOptions(paths: string[], opts: ScanOptions): void {
  if (opts.import !== undefined && paths.length > 0) {
    throw new UsageError('give either PATHs to scan or --import FILE, not both');
  }
  if (opts.export === '-' && (opts.json || opts.interactive)) {
    throw new UsageError('--export - writes the scan to stdout: it cannot go with --json or -i');
  }
  if (opts.interactive && opts.json) throw new UsageError('choose one of -i and --json');
  if (opts.import !== undefined && opts.export !== undefined)
    throw new UsageError('--import reads a saved scan; --export saves one: choose one');
}

/** A finished scan (or import), and how it was measured. */
interface Scanned {
  tree: DiskTree;
  basis: Basis;
  now: number;
  walker: WalkerInfo;
  durationSeconds: number;
}

/** --by category: where the space goes by kind (logs, caches, temp...), as a table or JSON. */
function reportCategories(scanned: Scanned, opts: ScanOptions, output: Output): void {
  const { tree, basis, now, walker, durationSeconds } = scanned;
  const report = buildCategoryReport(tree, {
    basis,
    now,
    logSizeBytes: opts.logSize,
    logAgeSeconds: opts.logAge,
    top: opts.top,
  });
  if (opts.json) output.line(JSON.stringify({ ...report, walker, durationSeconds }));
  else output.lines(renderCategoryReport(report, { width: output.columns, now }));
}

/** The tree to --depth and the largest files, as a table (with notes on stderr) or JSON. */
function reportScan(scanned: Scanned, opts: ScanOptions, output: Output): void {
  const { now } = scanned;
  const report = buildScanReport(scanned.tree, {
    basis: scanned.basis,
    depth: opts.depth,
    top: opts.top,
    now,
    walker: scanned.walker,
    durationSeconds: scanned.durationSeconds,
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
  const skipDevs = devicesToSkip(
    roots.map((r) => r.path),
    rootsOf(command).procRoot,
  );
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
