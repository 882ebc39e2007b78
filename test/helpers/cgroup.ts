/**
 * A memory cgroup made by a test, on whichever hierarchy holds the memory controller here: cgroup v1
 * (the memory controller mounted at /sys/fs/cgroup/memory, older distros and hybrid setups) or cgroup v2
 * (memory listed in the unified hierarchy's cgroup.controllers, most current distros). Removed again by
 * `remove()`, after its processes are gone.
 *
 * Every test cgroup's name starts with TEST_CGROUP_PREFIX, so an OOM kill the suite causes (the kernel
 * log names the cgroup) can be told apart from a real one: hog doctor says "(hog's test suite)".
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_CGROUP_PREFIX } from '../../src/memory/oomKills.js';
import { type Mount, parseMountinfo } from '../../src/proc/mountinfo.js';
import { waitFor } from './processes.js';

export { TEST_CGROUP_PREFIX };

export const V1_MEMORY = '/sys/fs/cgroup/memory';

export interface MemoryHierarchy {
  version: 1 | 2;
  /** Where it is mounted (the directory a test cgroup is made in). */
  dir: string;
  /** The mount's root inside the hierarchy, as /proc/PID/cgroup paths start ("/" unless a subtree is mounted). */
  root: string;
}

/**
 * The hierarchy that holds the memory controller, from mountinfo: a v1 mount with "memory" in its super
 * options wins (the controller then cannot be on v2); else a cgroup2 mount whose cgroup.controllers
 * (read through `controllers`) lists memory. Pure apart from `controllers`, so fixtures can test it.
 */
export function findMemoryHierarchy(
  mountinfo: string,
  controllers: (dir: string) => string | undefined,
): MemoryHierarchy | undefined {
  const { mounts } = parseMountinfo(mountinfo);
  const v1 = mounts.find((m) => m.fsType === 'cgroup' && m.superOptions.includes('memory'));
  if (v1) return hierarchy(1, v1);
  const v2 = mounts.find(
    (m) => m.fsType === 'cgroup2' && (controllers(m.mountPoint) ?? '').split(/\s+/).includes('memory'),
  );
  return v2 ? hierarchy(2, v2) : undefined;
}

function hierarchy(version: 1 | 2, mount: Mount): MemoryHierarchy {
  return { version, dir: mount.mountPoint, root: mount.root };
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

let found: { hierarchy: MemoryHierarchy | undefined } | undefined;

/** This machine's memory hierarchy (read once). */
export function memoryHierarchy(): MemoryHierarchy | undefined {
  found ??= {
    hierarchy: findMemoryHierarchy(readFileSync('/proc/self/mountinfo', 'utf8'), (dir) =>
      readOrUndefined(join(dir, 'cgroup.controllers')),
    ),
  };
  return found.hierarchy;
}

/** The files that differ between the versions. */
function files(version: 1 | 2) {
  return version === 1
    ? {
        limit: 'memory.limit_in_bytes',
        usage: 'memory.usage_in_bytes',
        swapLimit: 'memory.memsw.limit_in_bytes',
      }
    : { limit: 'memory.max', usage: 'memory.current', swapLimit: 'memory.swap.max' };
}

/**
 * Try it: make a child cgroup, set its memory limit, move a process in, remove it. Undefined when that
 * works, else why not (for the skip message). On v2 the memory controller must already be enabled in
 * the hierarchy root's cgroup.subtree_control (systemd enables it): the probe does not change that
 * machine-wide setting, it skips instead.
 */
export function probeMemoryCgroup(): string | undefined {
  probed ??= { missing: tryMemoryCgroup() };
  return probed.missing;
}

let probed: { missing: string | undefined } | undefined;

function tryMemoryCgroup(): string | undefined {
  const h = memoryHierarchy();
  if (!h)
    return 'no memory cgroup hierarchy (neither a v1 memory mount nor "memory" in a cgroup2 cgroup.controllers)';
  const dir = join(h.dir, `${TEST_CGROUP_PREFIX}probe-${process.pid}`);
  try {
    if (h.version === 2 && !readFileSync(join(h.dir, 'cgroup.subtree_control'), 'utf8').includes('memory'))
      return `the memory controller is not enabled in ${h.dir}/cgroup.subtree_control (echo +memory > it to enable)`;
    mkdirSync(dir);
    try {
      writeFileSync(join(dir, files(h.version).limit), String(64 * 1024 * 1024));
      // a test moves its children in (as spawnNode does): a user namespace may deny that alone
      const moved = spawnSync('sh', ['-c', 'echo $$ > "$1/cgroup.procs"', 'sh', dir], { encoding: 'utf8' });
      if (moved.status !== 0) throw new Error(`moving a process in: ${moved.stderr.trim()}`);
    } finally {
      removeWhenEmpty(dir);
    }
    return undefined;
  } catch (error) {
    return `cannot create a cgroup v${h.version} memory group under ${h.dir} and set its limit: ${(error as Error).message}`;
  }
}

/** rmdir right after the last process exited can still see it for a moment (EBUSY): retry briefly. */
function removeWhenEmpty(dir: string): void {
  const deadline = Date.now() + 2000;
  for (;;) {
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() > deadline) throw error;
    }
  }
}

/** Whether a TestCgroup can be made here (v1 or v2, despite the name: kept for the tests that call it). */
export function cgroupV1Available(): boolean {
  const missing = probeMemoryCgroup();
  if (missing) console.warn(`skipped memory cgroup tests: ${missing}`);
  return missing === undefined;
}

export class TestCgroup {
  readonly dir: string;
  readonly version: 1 | 2;
  private readonly root: string;

  /** `name` gets TEST_CGROUP_PREFIX in front unless it already starts with it. */
  constructor(
    readonly name: string,
    limitBytes: number,
  ) {
    const h = memoryHierarchy();
    if (!h) throw new Error('no memory cgroup hierarchy on this machine (check probeMemoryCgroup first)');
    if (!name.startsWith(TEST_CGROUP_PREFIX)) this.name = `${TEST_CGROUP_PREFIX}${name}`;
    this.version = h.version;
    this.root = h.root;
    this.dir = join(h.dir, this.name);
    mkdirSync(this.dir);
    const f = files(h.version);
    writeFileSync(join(this.dir, f.limit), String(limitBytes));
    // no swap: a process over the limit is OOM-killed at once instead of swapping for minutes
    // (v1 memsw must be >= the memory limit, hence set after it; absent without swap accounting)
    if (existsSync(join(this.dir, f.swapLimit)))
      writeFileSync(join(this.dir, f.swapLimit), h.version === 1 ? String(limitBytes) : '0');
  }

  /** Cgroup path as /proc/PID/cgroup shows it. */
  get path(): string {
    return `${this.root === '/' ? '' : this.root}/${this.name}`;
  }

  add(pid: number): void {
    writeFileSync(`${this.dir}/cgroup.procs`, String(pid));
  }

  usage(): number {
    return Number(readFileSync(join(this.dir, files(this.version).usage), 'utf8'));
  }

  /** rmdir fails with EBUSY until the last process in the group is reaped: retry for a while. */
  async remove(): Promise<void> {
    await waitFor(() => {
      try {
        rmdirSync(this.dir);
        return true;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'ENOENT';
      }
    }, `rmdir ${this.dir}`);
  }
}
