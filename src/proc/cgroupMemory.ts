/**
 * Memory limit and usage of the cgroup a process belongs to, for cgroup v1 and v2.
 *
 *   v1 (memory controller): memory.limit_in_bytes, memory.usage_in_bytes, memory.stat total_inactive_file
 *   v2 (unified):           memory.max,            memory.current,        memory.stat inactive_file
 *
 * The limit that applies is the smallest one on the path from the process's cgroup up to the root.
 * Usage includes page cache the kernel can drop before it OOM-kills; the "working set" subtracts the
 * inactive file cache, as docker stats and cAdvisor do, and is what to compare with the limit.
 */
import { dirname } from 'node:path';
import { type CgroupEntry, memoryCgroup, readCgroup } from './cgroup.js';
import { excerpt, malformed } from './malformed.js';
import { type Mount, readMountinfo } from './mountinfo.js';
import { readProcText } from './procFile.js';

export interface CgroupMemory {
  version: 1 | 2;
  /** The cgroup path as /proc/[pid]/cgroup names it. */
  path: string;
  usageBytes: number;
  workingSetBytes: number;
  /** The effective limit; undefined when no cgroup on the path sets one. */
  limitBytes: number | undefined;
  /** The cgroup path whose limit applies. */
  limitPath: string | undefined;
}

/** v1 reports "no limit" as the largest page-aligned 63-bit value (9223372036854771712); v2 as "max". */
export function parseCgroupLimit(text: string, file = 'memory.max'): number | undefined {
  const value = text.trim();
  if (value === 'max') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || value === '') throw malformed(file, `malformed cgroup limit: ${excerpt(value)}`);
  return n >= 2 ** 62 ? undefined : n;
}

/** memory.stat: "key value" per line. */
export function parseCgroupMemoryStat(text: string): Map<string, number> {
  const stat = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [key, value] = line.split(' ');
    if (key && value !== undefined && /^\d+$/.test(value)) stat.set(key, Number(value));
  }
  return stat;
}

/** Where the hierarchy holding a process's memory cgroup is mounted. */
export function findCgroupMount(mounts: Mount[], version: 1 | 2): Mount | undefined {
  return mounts.find((m) =>
    version === 1 ? m.fsType === 'cgroup' && m.superOptions.includes('memory') : m.fsType === 'cgroup2',
  );
}

/** The directory of a cgroup path under its mount (paths are relative to the mount's root). */
export function cgroupDirectory(mount: Mount, path: string, fsRoot = ''): string {
  const relative =
    mount.root !== '/' && (path === mount.root || path.startsWith(`${mount.root}/`))
      ? path.slice(mount.root.length)
      : path;
  return `${fsRoot}${mount.mountPoint}${relative === '/' ? '' : relative}`;
}

export interface CgroupMemoryOptions {
  procRoot?: string;
  /** Prefix for mount points, so tests can point at a fixture tree. */
  fsRoot?: string;
  /** Mounts to use instead of reading /proc/self/mountinfo (callers reading many PIDs pass them once). */
  mounts?: Mount[];
}

/**
 * The memory cgroup of a process, read from its files. Undefined when the process has no memory cgroup
 * (no controller mounted) or the hierarchy is not visible from here.
 */
export function readCgroupMemory(
  pidOrEntries: number | CgroupEntry[],
  options: CgroupMemoryOptions = {},
): CgroupMemory | undefined {
  const procRoot = options.procRoot ?? '/proc';
  const entries = typeof pidOrEntries === 'number' ? readCgroup(pidOrEntries, procRoot) : pidOrEntries;
  const group = memoryCgroup(entries);
  if (!group) return undefined;
  const mount = findCgroupMount(options.mounts ?? readMountinfo('self', procRoot), group.version);
  if (!mount) return undefined;
  const dir = cgroupDirectory(mount, group.path, options.fsRoot);
  const files =
    group.version === 1
      ? { usage: 'memory.usage_in_bytes', limit: 'memory.limit_in_bytes', inactive: 'total_inactive_file' }
      : { usage: 'memory.current', limit: 'memory.max', inactive: 'inactive_file' };
  let usageText: string;
  try {
    usageText = readProcText(`${dir}/${files.usage}`);
  } catch {
    return undefined; // the hierarchy is not visible from this mount namespace
  }
  const usageBytes = Number(usageText.trim());
  let inactive = 0;
  try {
    inactive = parseCgroupMemoryStat(readProcText(`${dir}/memory.stat`)).get(files.inactive) ?? 0;
  } catch {
    // memory.stat is optional for the answer; without it the working set is the usage.
  }

  // Walk up to the mount's top: the smallest limit applies. The root cgroup has no limit file in v2.
  let limitBytes: number | undefined;
  let limitPath: string | undefined;
  const top = cgroupDirectory(mount, mount.root, options.fsRoot);
  let path = group.path;
  for (let current = dir; ; current = dirname(current), path = dirname(path)) {
    try {
      const limitFile = `${current}/${files.limit}`;
      const limit = parseCgroupLimit(readProcText(limitFile), limitFile);
      if (limit !== undefined && (limitBytes === undefined || limit < limitBytes)) {
        limitBytes = limit;
        limitPath = path;
      }
    } catch {
      // no limit file at this level
    }
    if (current === top || current.length <= top.length) break;
  }
  return {
    version: group.version,
    path: group.path,
    usageBytes,
    workingSetBytes: Math.max(0, usageBytes - inactive),
    limitBytes,
    limitPath,
  };
}
