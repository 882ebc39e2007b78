/**
 * `hog serve --scan DIR`: walk each DIR every `everyMs` (the first shortly after start) with hog disk's
 * walker, staying on DIR's filesystem like `hog disk -x`, and store a summary (scanSummary.ts). It runs
 * beside the recorder, not in its tick: the native walker works on its own threads and its result comes
 * back as a promise, and the JavaScript one awaits each directory, so ticks keep coming while a big tree
 * is walked. Only the summary (a tree of ~200 nodes) outlives a scan.
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import { SUMMARY_DEFAULTS, summarizeScan } from '../disk/scanSummary.js';
import { DiskTree } from '../disk/tree.js';
import { walk } from '../disk/walk.js';
import { writeScan } from '../store/serveScans.js';

export interface ScannerOptions {
  /** Absolute directories, checked by the caller. */
  roots: string[];
  everyMs: number;
  /** Wait before the first scan, so the recorder's first ticks go first. */
  firstAfterMs: number;
  clock: Clock;
  /** Devices never entered (pseudo filesystems), as hog disk skips them. */
  skipDevs: number[];
  log: (line: string) => void;
  /** Walker threads: few, so a scan does not crowd the machine it watches. */
  threads: number;
  /** Serve stopping: a scan that ends after it is not written (the store may be closing). */
  signal?: AbortSignal;
}

export class ServeScanner {
  scans = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly options: ScannerOptions,
  ) {}

  /** Scan one root and store its summary; a failure is logged and the next root goes on. */
  async scanOne(root: string): Promise<void> {
    const { clock } = this.options;
    const started = clock.monotonic();
    try {
      const { raw } = await walk({
        roots: [root],
        oneFileSystem: true,
        excludes: [],
        skipDevs: this.options.skipDevs,
        keepDepth: -1,
        topFiles: 0,
        byApparent: false,
        threads: this.options.threads,
      });
      if (this.options.signal?.aborted) return;
      const now = clock.now();
      const summary = summarizeScan(new DiskTree(raw), { basis: 'allocated', now, ...SUMMARY_DEFAULTS });
      writeScan(this.db, summary, now, clock.monotonic() - started);
      this.scans++;
    } catch (error) {
      this.options.log(`hog serve: scanning ${root} failed: ${(error as Error).message}`);
    }
  }

  /** Scan every root, then wait `everyMs`, until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock } = this.options;
    await clock.sleep(this.options.firstAfterMs, signal);
    while (!signal.aborted) {
      for (const root of this.options.roots) {
        if (signal.aborted) return;
        await this.scanOne(root);
      }
      await clock.sleep(this.options.everyMs, signal);
    }
  }
}
