/**
 * The recorder behind `hog run` and `hog watch`: one tick reads the memory of each target (and, with
 * --include-children or --multiprocess, of its descendants) and hands sample rows to its sinks (the
 * store, an mprof file). A target that exits ends its series with a note; a child that exits ends its
 * own series. Series ids are the recorder's own (1, 2, ...); each sink maps them as it needs.
 *
 * Children are found at every tick a process was created, from the children files (childrenWalk.ts),
 * so a child that lives a few intervals is sampled, as mprof samples it; on a kernel without them, from
 * /proc/PID/stat (processTree.ts) at most every DISCOVERY_MS, so a 100 Hz recording does not rescan
 * /proc 100 times a second. Known processes are read every tick.
 */
import type { Clock } from '../clock.js';
import { KeptFiles } from '../proc/keptFiles.js';
import { ChildrenWalk } from './childrenWalk.js';
import type { Sample } from './envelope.js';
import { execRename, readCommandLine } from './execRename.js';
import { appendToHistory } from './historyCompaction.js';
import type { MemoryReading, MemoryWanted } from './processMemory.js';
import { readProcessMemory } from './processMemory.js';
import { descendantsOf, type ProcessIdentity, ProcessTable } from './processTree.js';
import type { Marker, Metric, NameChange, Note, SeriesInfo, SeriesRole } from './recording.js';

/**
 * Without children files, new descendants are looked for at most this often: a child living less than
 * this may be missed. Known processes are read at every tick; the target's PID is checked for reuse.
 */
export const DISCOVERY_MS = 500;
/** comm holds at most TASK_COMM_LEN - 1 = 15 bytes of a program's name. */
const COMM_BYTES = 15;

export interface SampleRow {
  seriesId: number;
  metric: Metric;
  t: number;
  value: number;
}

/** Where recorded data goes. flush() may throw (disk full): the recorder then stops writing. */
export interface RecorderSink {
  addSeries(id: number, info: SeriesInfo): void;
  /** The process of a series exec'd another program: its name and command from now on. */
  renameSeries(id: number, name: string, command: string): void;
  endSeries(id: number, t: number, reason: string): void;
  samples(rows: readonly SampleRow[]): void;
  markers(markers: readonly Marker[]): void;
  note(note: Note): void;
  flush(): void;
}

export interface RecorderTarget {
  pid: number;
  startTicks: number;
  name: string;
  command: string;
}

export interface RecorderOptions {
  procRoot: string;
  clock: Clock;
  includeChildren: boolean;
  multiprocess: boolean;
  wanted: MemoryWanted;
}

interface Tracked {
  id: number;
  pid: number;
  startTicks: number;
  ended: boolean;
  /** The comm last read (or what comm would be for the first name: 15 bytes of it). */
  comm: string;
  /** The names the process had, oldest first. */
  names: NameChange[];
}

/** One target: its main (or total) series, its children's series, and its in-memory RSS history. */
export interface TargetState {
  target: RecorderTarget;
  main: Tracked;
  role: SeriesRole;
  children: Map<number, Tracked>;
  members: ProcessIdentity[];
  /** RSS of the main/total series, kept for live verdicts (only these: children stay in the store). */
  history: Sample[];
  /** V8 heap used of the target itself, when it reports one (Node.js): the heap-aware live verdict. */
  heapHistory: Sample[];
  gone: boolean;
  endReason?: string;
}

export class Recorder {
  readonly targets: TargetState[] = [];
  private nextId = 1;
  private lastScan = Number.NEGATIVE_INFINITY;
  private readonly table: ProcessTable;
  private processes: ReadonlyMap<number, ProcessIdentity> = new Map();
  /** The descendants of each live target walked this tick; undefined: the members stay as they were. */
  private trees: ReadonlyMap<number, ProcessIdentity[]> | undefined;
  private readonly walk: ChildrenWalk;
  /** Whether the kernel has children files: tried on the first target (undefined until known). */
  private walkable: boolean | undefined;
  private walkedTargets = 0;
  /** PIDs whose reads failed since the last scan: the table drops them. */
  private readonly vanished: number[] = [];
  /** statm (and status, smaps_rollup) of every process sampled, kept open between ticks. */
  private readonly files = new KeptFiles();
  /**
   * The latest series of each PID, ended ones included: a Node.js process's last heap report, written
   * as it exits, is read after its series ended and still belongs to it.
   */
  private readonly byPid = new Map<number, Tracked>();
  /** Every series by its id, ended ones included (for their name histories). */
  private readonly all = new Map<number, Tracked>();
  private lastNameCheck = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly options: RecorderOptions,
    private readonly sinks: RecorderSink[],
  ) {
    this.table = new ProcessTable(options.procRoot);
    this.walk = new ChildrenWalk(options.procRoot, () => options.clock.monotonic());
  }

  add(target: RecorderTarget): TargetState {
    const role: SeriesRole = this.options.includeChildren ? 'total' : 'main';
    const main = this.track(target.pid, target.startTicks, {
      role,
      pid: target.pid,
      startTicks: target.startTicks,
      name: target.name,
      command: target.command,
      startedAt: this.options.clock.now(),
    });
    const state: TargetState = {
      target,
      main,
      role,
      children: new Map(),
      members: [],
      history: [],
      heapHistory: [],
      gone: false,
    };
    this.targets.push(state);
    return state;
  }

  /** Targets still running. */
  get alive(): number {
    let count = 0;
    for (const t of this.targets) if (!t.gone) count++;
    return count;
  }

  seriesIdOf(pid: number): number | undefined {
    return this.byPid.get(pid)?.id;
  }

  private track(pid: number, startTicks: number, info: SeriesInfo): Tracked {
    const tracked: Tracked = {
      id: this.nextId++,
      pid,
      startTicks,
      ended: false,
      comm: Buffer.from(info.name).subarray(0, COMM_BYTES).toString(),
      names: [{ t: info.startedAt, name: info.name, command: info.command }],
    };
    for (const sink of this.sinks) sink.addSeries(tracked.id, info);
    this.byPid.set(pid, tracked);
    this.all.set(tracked.id, tracked);
    return tracked;
  }

  /** The names the process of a series had, oldest first (one entry when it never exec'd). */
  namesOf(id: number): readonly NameChange[] {
    return this.all.get(id)?.names ?? [];
  }

  /**
   * Re-read the name of every live series' process (execRename.ts): one that exec'd another program
   * takes the new name (and command line) for its series; the old one stays in its history and a note.
   */
  private checkNames(t: number): void {
    for (const state of this.targets) {
      if (state.gone) continue;
      for (const tracked of [state.main, ...state.children.values()]) {
        if (tracked.ended) continue;
        const renamed = execRename(tracked, this.options.procRoot, this.files);
        if (renamed === undefined) continue;
        const previous = tracked.names[tracked.names.length - 1] as NameChange;
        const { comm } = renamed;
        const command = renamed.command ?? previous.command;
        tracked.comm = comm;
        tracked.names.push({ t, name: comm, command });
        if (tracked === state.main) state.target = { ...state.target, name: comm, command };
        for (const sink of this.sinks) {
          sink.renameSeries(tracked.id, comm, command);
          sink.note({
            t,
            kind: 'renamed',
            text: `PID ${tracked.pid} is now ${comm} (was ${previous.name}): it exec'd another program`,
            seriesId: tracked.id,
          });
        }
      }
    }
  }

  private end(tracked: Tracked, t: number, reason: string): void {
    if (tracked.ended) return;
    tracked.ended = true;
    for (const sink of this.sinks) sink.endSeries(tracked.id, t, reason);
  }

  /** Mark a target gone (its process exited, or the user stopped), with a note. */
  finish(state: TargetState, reason: string, note?: string): void {
    if (state.gone) return;
    const t = this.options.clock.now();
    state.gone = true;
    state.endReason = reason;
    this.end(state.main, t, reason);
    for (const child of state.children.values()) this.end(child, t, reason);
    if (note)
      for (const sink of this.sinks) sink.note({ t, kind: reason, text: note, seriesId: state.main.id });
  }

  /** Take one sample of every live target. */
  tick(): void {
    const { clock } = this.options;
    const now = clock.monotonic();
    const scanned =
      (this.options.includeChildren || this.options.multiprocess) && now - this.lastScan >= DISCOVERY_MS;
    if (scanned) {
      this.processes = this.table.refresh(this.vanished.splice(0));
      this.lastScan = now;
    }
    this.trees = this.options.includeChildren || this.options.multiprocess ? this.walkTrees() : undefined;
    const t = clock.now();
    if (now - this.lastNameCheck >= DISCOVERY_MS) {
      this.lastNameCheck = now;
      this.checkNames(t);
    }
    const rows: SampleRow[] = [];
    for (const state of this.targets) if (!state.gone) this.sampleTarget(state, t, scanned, rows);
    if (rows.length > 0) for (const sink of this.sinks) sink.samples(rows);
  }

  /** The live targets' descendants from the children files, when the kernel has them and a process was created. */
  private walkTrees(): ReadonlyMap<number, ProcessIdentity[]> | undefined {
    const live = this.targets.filter((state) => !state.gone).map((state) => state.target.pid);
    if (this.walkable === undefined && live.length > 0)
      this.walkable = ChildrenWalk.supported(this.options.procRoot, live[0] as number);
    if (!this.walkable) return undefined;
    // a target added since the last walk has not been walked yet, whatever loadavg says
    const created = this.walk.created();
    if (!created && this.targets.length === this.walkedTargets) return undefined;
    this.walkedTargets = this.targets.length;
    return this.walk.walk(live);
  }

  /**
   * One target's memory (with its descendants' when asked) into rows and its RSS history; a target
   * that exited, or whose PID the scan found reused, is finished instead.
   */
  private sampleTarget(state: TargetState, t: number, scanned: boolean, rows: SampleRow[]): void {
    const { procRoot, wanted } = this.options;
    const { target } = state;
    const known = this.processes.get(target.pid);
    const reused = scanned && known !== undefined && known.startTicks !== target.startTicks;
    const own = reused ? undefined : readProcessMemory(target.pid, procRoot, wanted, this.files);
    if (!own) {
      this.files.dropPrefix(`${procRoot}/${target.pid}/`);
      this.finish(state, 'exited', `PID ${target.pid} (${target.name}) exited`);
      return;
    }
    const total: MemoryReading = own; // a fresh object: children are added into it
    if (this.options.includeChildren || this.options.multiprocess)
      this.sampleMembers(state, t, scanned, total, rows);
    pushRows(rows, state.main.id, t, total);
    state.history = appendToHistory(state.history, { t, bytes: total.rss });
  }

  /**
   * The target's descendants: each is summed into `total` (--include-children) and recorded in its
   * own series (--multiprocess); the series of a child no longer among them ends.
   */
  private sampleMembers(
    state: TargetState,
    t: number,
    scanned: boolean,
    total: MemoryReading,
    rows: SampleRow[],
  ): void {
    const { procRoot, wanted } = this.options;
    if (this.trees) state.members = this.trees.get(state.target.pid) ?? [];
    else if (scanned && !this.walkable) state.members = descendantsOf(state.target.pid, this.processes);
    const seen = new Set<number>();
    for (const member of state.members) {
      const reading = readProcessMemory(member.pid, procRoot, wanted, this.files);
      if (!reading) {
        this.vanished.push(member.pid);
        this.walk.forget([member.pid]);
        this.files.dropPrefix(`${procRoot}/${member.pid}/`);
        continue;
      }
      seen.add(member.pid);
      if (this.options.includeChildren) addInto(total, reading);
      if (this.options.multiprocess) pushRows(rows, this.childSeries(state, member, t).id, t, reading);
    }
    // a member gone is not read again until the next discovery, which may be many ticks away
    if (seen.size < state.members.length) state.members = state.members.filter((m) => seen.has(m.pid));
    for (const [pid, child] of state.children) {
      if (!seen.has(pid) && !child.ended) {
        this.end(child, t, 'exited');
        state.children.delete(pid);
      }
    }
  }

  /** A child's series: the one it has, or a new one for a new child (or another process on its PID). */
  private childSeries(state: TargetState, member: ProcessIdentity, t: number): Tracked {
    let child = state.children.get(member.pid);
    if (child && child.startTicks !== member.startTicks) {
      this.end(child, t, 'exited');
      child = undefined;
    }
    if (!child) {
      child = this.track(member.pid, member.startTicks, {
        role: 'child',
        pid: member.pid,
        startTicks: member.startTicks,
        name: member.comm,
        // once per new child: its first command line, for the names history of an exec
        command: readCommandLine(member.pid, this.options.procRoot) ?? '',
        startedAt: t,
      });
      state.children.set(member.pid, child);
    }
    return child;
  }

  /** Heap numbers reported by a Node.js process: rows for the series of that PID, if it has one. */
  heap(reports: readonly { t: number; pid: number; values: Partial<Record<Metric, number>> }[]): number {
    const rows: SampleRow[] = [];
    let unmatched = 0;
    for (const report of reports) {
      const tracked = this.byPid.get(report.pid);
      if (!tracked) {
        unmatched++;
        continue;
      }
      for (const [metric, value] of Object.entries(report.values) as [Metric, number][]) {
        rows.push({ seriesId: tracked.id, metric, t: report.t, value });
      }
      const used = report.values.heap_used;
      const target = used === undefined ? undefined : this.targets.find((t) => t.main === tracked);
      if (target && used !== undefined) {
        target.heapHistory = appendToHistory(target.heapHistory, { t: report.t, bytes: used });
      }
    }
    if (rows.length > 0) for (const sink of this.sinks) sink.samples(rows);
    return unmatched;
  }

  markers(markers: readonly Marker[]): void {
    if (markers.length > 0) for (const sink of this.sinks) sink.markers(markers);
  }

  note(note: Note): void {
    for (const sink of this.sinks) sink.note(note);
  }

  flush(): void {
    for (const sink of this.sinks) sink.flush();
  }

  /** Close the files kept open for sampling. */
  close(): void {
    this.files.closeAll();
    this.table.close();
    this.walk.close();
  }
}

function addInto(sum: MemoryReading, b: MemoryReading): void {
  sum.rss += b.rss;
  if (sum.swap !== undefined) sum.swap += b.swap ?? 0;
  if (sum.pss !== undefined) sum.pss += b.pss ?? 0;
  if (sum.uss !== undefined) sum.uss += b.uss ?? 0;
}

function pushRows(rows: SampleRow[], seriesId: number, t: number, reading: MemoryReading): void {
  rows.push({ seriesId, metric: 'rss', t, value: reading.rss });
  if (reading.swap !== undefined) rows.push({ seriesId, metric: 'swap', t, value: reading.swap });
  if (reading.pss !== undefined) rows.push({ seriesId, metric: 'pss', t, value: reading.pss });
  if (reading.uss !== undefined) rows.push({ seriesId, metric: 'uss', t, value: reading.uss });
}
