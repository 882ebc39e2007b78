/**
 * A cgroup v1 memory group made by a test (CI runs as root on a machine with the v1 memory controller
 * mounted at /sys/fs/cgroup/memory). Removed again by `remove()`, after its processes are gone.
 */

import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { waitFor } from './processes.js';

export const V1_MEMORY = '/sys/fs/cgroup/memory';

export function cgroupV1Available(): boolean {
  if (process.getuid?.() !== 0 || !existsSync(`${V1_MEMORY}/memory.limit_in_bytes`)) return false;
  try {
    const probe = `${V1_MEMORY}/hog-probe-${process.pid}`;
    mkdirSync(probe);
    rmdirSync(probe);
    return true;
  } catch {
    return false;
  }
}

export class TestCgroup {
  readonly dir: string;

  constructor(
    readonly name: string,
    limitBytes: number,
  ) {
    this.dir = `${V1_MEMORY}/${name}`;
    mkdirSync(this.dir);
    writeFileSync(`${this.dir}/memory.limit_in_bytes`, String(limitBytes));
  }

  /** Cgroup path as /proc/PID/cgroup shows it. */
  get path(): string {
    return `/${this.name}`;
  }

  add(pid: number): void {
    writeFileSync(`${this.dir}/cgroup.procs`, String(pid));
  }

  usage(): number {
    return Number(readFileSync(`${this.dir}/memory.usage_in_bytes`, 'utf8'));
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
