/**
 * The recording loop of `hog serve`: every interval, collect a tick and write it in one transaction;
 * at slower cadences apply retention, judge the processes and refresh the doctor's findings. A full
 * disk pauses recording (the tick is rolled back whole) with the reason logged once, and the next tick
 * that fits resumes it. Time comes from the clock: tests drive tick() directly.
 */
import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import { isDiskFull } from '../errors.js';
import { applyRetention, type RetentionPolicy } from '../store/serveRetention.js';
import type { FindingRow, ServeTick } from '../store/serveTick.js';
import { ServeWriter } from '../store/serveWriter.js';
import { isBusy } from '../store/sqliteErrors.js';
import { judgeRecorded } from './verdicts.js';

export interface TickSource {
  collect(): Promise<ServeTick>;
}

export interface RecorderOptions {
  clock: Clock;
  intervalMs: number;
  retention: RetentionPolicy;
  /** One line for the operator (stderr, the journal under systemd). */
  log: (line: string) => void;
  /** The doctor's fast checks, wired in by the CLI (doctor is serve's peer, not below it). */
  findings?: (() => Promise<FindingRow[]>) | undefined;
  /** Cadence of retention, verdicts and findings (default one minute). */
  slowEveryMs?: number;
}

export const SLOW_EVERY_MS = 60_000;
export const WAL_LIMIT_BYTES = 8 * 1024 * 1024;
/** SQLite's page cache for serve's connection, KiB. */
export const CACHE_KIB = 2000;

export interface RecorderStatus {
  intervalMs: number;
  since: number;
  ticks: number;
  paused: string | null;
  lastTick: number | null;
}

export class ServeRecorder {
  private readonly writer: ServeWriter;
  private readonly listeners = new Set<(t: number) => void>();
  private lastSlow: number | undefined;
  readonly status: RecorderStatus;

  constructor(
    private readonly db: Database.Database,
    private readonly source: TickSource,
    private readonly options: RecorderOptions,
  ) {
    this.writer = new ServeWriter(db);
    // the WAL is reused after each checkpoint; this truncates what grew beyond 8 MiB, so the store's
    // size on disk stays the database plus a bounded WAL
    db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
    // better-sqlite3 builds SQLite with a 16 MB page cache per connection (SQLite's own default is
    // 2 MB), and sorts (GROUP BY of the series) use that much again: measured, the recorder's RSS rose
    // by ~30 MB over 40 minutes of verdicts before levelling. 2 MB holds the indexes' hot pages.
    db.pragma(`cache_size = -${CACHE_KIB}`);
    this.status = {
      intervalMs: options.intervalMs,
      since: options.clock.now(),
      ticks: 0,
      paused: null,
      lastTick: null,
    };
  }

  /** Called with the tick's time after each tick that was written. */
  onTick(listener: (t: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One tick: collect, write, and the slow work when it is due. */
  async tick(): Promise<void> {
    let tick: ServeTick;
    try {
      tick = await this.source.collect();
    } catch (error) {
      this.options.log(`hog serve: reading the machine failed, tick skipped: ${(error as Error).message}`);
      return;
    }
    if (!this.write(() => this.writer.writeTick(tick))) return;
    this.status.ticks++;
    this.status.lastTick = tick.t;
    await this.slowWork(tick.t);
    for (const listener of this.listeners) listener(tick.t);
  }

  /** Run `body`; a full disk pauses recording (logged once), a lock skips the tick. */
  private write(body: () => void): boolean {
    try {
      body();
    } catch (error) {
      if (isDiskFull(error)) {
        if (this.status.paused === null)
          this.options.log(
            `hog serve: recording paused: no space left for the store (${(error as Error).message}); it resumes when space returns`,
          );
        this.status.paused = `no space left for the store: ${(error as Error).message}`;
        return false;
      }
      if (isBusy(error)) {
        this.options.log('hog serve: the store is locked by another writer; tick skipped');
        return false;
      }
      throw error;
    }
    if (this.status.paused !== null) {
      this.options.log('hog serve: recording resumed: the store has space again');
      this.status.paused = null;
    }
    return true;
  }

  private async slowWork(now: number): Promise<void> {
    const every = this.options.slowEveryMs ?? SLOW_EVERY_MS;
    const previous = this.lastSlow;
    if (previous !== undefined && now - previous < every) return;
    this.lastSlow = now;
    this.write(() => applyRetention(this.db, now, this.options.retention));
    let verdicts: ReturnType<typeof judgeRecorded> | undefined;
    try {
      verdicts = judgeRecorded(this.db, now, previous);
    } catch (error) {
      // a verdict that fails is hog's bug: said, and recording goes on
      this.options.log(`hog serve: judging the processes failed: ${(error as Error).message}`);
    }
    if (verdicts) this.write(() => this.writer.writeVerdicts(verdicts));
    if (this.options.findings) {
      let findings: FindingRow[];
      try {
        findings = await this.options.findings();
      } catch (error) {
        this.options.log(`hog serve: the doctor's checks failed: ${(error as Error).message}`);
        return;
      }
      this.write(() => this.writer.writeFindings(now, findings));
    }
  }

  /** Tick every interval until `signal` aborts; a tick's own time is taken off the wait. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, intervalMs } = this.options;
    const aborted = new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    while (!signal.aborted) {
      const started = clock.monotonic();
      await this.tick();
      const wait = Math.max(0, intervalMs - (clock.monotonic() - started));
      await Promise.race([clock.sleep(wait), aborted]);
    }
  }
}
