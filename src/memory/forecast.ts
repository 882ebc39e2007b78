/**
 * When does a leaking process hit its limit? Two limits can stop it:
 *   - its cgroup's memory limit (memory.max in v2, memory.limit_in_bytes in v1; src/proc/cgroupMemory.ts):
 *     headroom = limit − the cgroup's working set (the kernel OOM-kills inside the cgroup at the limit);
 *   - otherwise the machine: headroom = MemAvailable (/proc/meminfo), the kernel's estimate of what new
 *     work can take without swapping.
 * time to limit = headroom / growth rate, at the leak's fitted slope. Pure.
 */
export interface Limits {
  cgroup?: { limitBytes: number; workingSetBytes: number; path: string } | undefined;
  memAvailableBytes?: number | undefined;
}

export interface Forecast {
  limit: 'cgroup' | 'MemAvailable';
  /** The limit itself: the cgroup's memory limit, or MemAvailable. */
  limitBytes: number;
  headroomBytes: number;
  /** Seconds until the headroom is used up at `slopeBytesPerMinute`; 0 when already there. */
  secondsToLimit: number;
  cgroupPath?: string;
}

export function forecast(slopeBytesPerMinute: number, limits: Limits): Forecast | undefined {
  if (!(slopeBytesPerMinute > 0)) return undefined;
  const perSecond = slopeBytesPerMinute / 60;
  if (limits.cgroup) {
    const headroom = Math.max(0, limits.cgroup.limitBytes - limits.cgroup.workingSetBytes);
    return {
      limit: 'cgroup',
      limitBytes: limits.cgroup.limitBytes,
      headroomBytes: headroom,
      secondsToLimit: headroom / perSecond,
      cgroupPath: limits.cgroup.path,
    };
  }
  if (limits.memAvailableBytes === undefined) return undefined;
  return {
    limit: 'MemAvailable',
    limitBytes: limits.memAvailableBytes,
    headroomBytes: limits.memAvailableBytes,
    secondsToLimit: limits.memAvailableBytes / perSecond,
  };
}
