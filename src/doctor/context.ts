/**
 * What checks read, gathered once per doctor run: several checks need /proc/meminfo or the process
 * table, and the machine is read only once for all of them. Every getter is lazy and memoized.
 */
import type { Clock } from '../clock.js';
import { collectProcesses, type ProcessSnapshot } from '../memory/processTable.js';
import { type Meminfo, readMeminfo } from '../proc/meminfo.js';
import { type Mount, readMountinfo } from '../proc/mountinfo.js';
import { readUserNames } from '../proc/passwd.js';
import { type Pressure, type PressureResource, readPressure } from '../proc/pressure.js';
import { readUptime } from '../proc/uptime.js';
import { defaultDbPath } from '../store/paths.js';
import { recordedDiskUsage, SERVICE_DB_PATH } from '../store/serveHistory.js';

export interface DoctorRoots {
  procRoot: string;
  sysRoot: string;
  etcRoot: string;
  /** Prefix for absolute paths such as cgroup mount points and /dev/kmsg (tests). */
  fsRoot: string;
}

export interface DoctorContext extends DoctorRoots {
  clock: Clock;
  /** The store of recorded memory history (hog run, hog watch, hog serve); it may not exist. */
  dbPath: string;
  /** Whether hog runs as root: checks say what they could not see without it. */
  isRoot: boolean;
  meminfo(): Meminfo;
  pressure(resource: PressureResource): Pressure | undefined;
  processes(): ProcessSnapshot;
  mounts(): Mount[];
  userNames(): Map<number, string>;
  uptimeSeconds(): number;
  /**
   * Recorded used-space samples of a filesystem (by mount point), when a history store has them
   * (hog serve). Absent until then: the disk checks say there is no history.
   */
  diskHistory?: (mountPoint: string) => { timeMs: number; usedBytes: number }[];
}

/** The disk checks look this far back (fillRate.ts uses the last 6 hours of it). */
const DISK_HISTORY_MS = 6 * 3600_000;

function memo<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

export function createDoctorContext(
  roots: DoctorRoots,
  clock: Clock,
  isRoot = process.getuid?.() === 0,
): DoctorContext {
  const pressures = new Map<PressureResource, Pressure | undefined>();
  return {
    ...roots,
    clock,
    dbPath: defaultDbPath(),
    isRoot,
    meminfo: memo(() => readMeminfo(roots.procRoot)),
    pressure: (resource) => {
      if (!pressures.has(resource)) pressures.set(resource, readPressure(resource, roots.procRoot));
      return pressures.get(resource);
    },
    processes: memo(() => collectProcesses({ procRoot: roots.procRoot })),
    mounts: memo(() => readMountinfo('self', roots.procRoot)),
    userNames: memo(() => readUserNames(roots.etcRoot)),
    uptimeSeconds: memo(() => readUptime(roots.procRoot).uptimeSeconds),
    // hog serve's history: the user's store, then the systemd service's
    diskHistory(mountPoint) {
      return recordedDiskUsage(
        [...new Set([this.dbPath, SERVICE_DB_PATH])],
        mountPoint,
        clock.now() - DISK_HISTORY_MS,
        clock.now(),
      );
    },
  };
}
