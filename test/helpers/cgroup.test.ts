/**
 * The test cgroup helper finds the memory controller on cgroup v1 or v2 from mountinfo, so the
 * cgroup-limit and OOM tests run on v2-only hosts too (most current distros) instead of skipping.
 */
import { describe, expect, it } from 'vitest';
import { isHogTestCgroup, TEST_CGROUP_PREFIX } from '../../src/memory/oomKills.js';
import { findMemoryHierarchy } from './cgroup.js';

// this machine's shape: v1 controllers plus an empty unified hierarchy (hybrid, as on Debian 10)
const HYBRID = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');
// a v2-only host (systemd's default since 247): one cgroup2 mount at /sys/fs/cgroup
const UNIFIED =
  '30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot';
// a container given a subtree of the host's hierarchy
const SUBTREE = '700 690 0:26 /docker/abc /sys/fs/cgroup rw,relatime - cgroup2 cgroup2 rw';

const controllers = (table: Record<string, string>) => (dir: string) => table[dir];

describe('findMemoryHierarchy', () => {
  it('takes the v1 memory mount when the controller is there, even beside a unified hierarchy', () => {
    expect(findMemoryHierarchy(HYBRID, controllers({ '/sys/fs/cgroup/unified': 'hugetlb\n' }))).toEqual({
      version: 1,
      dir: '/sys/fs/cgroup/memory',
      root: '/',
    });
  });

  it('takes the cgroup2 mount whose cgroup.controllers lists memory', () => {
    const table = { '/sys/fs/cgroup': 'cpuset cpu io memory hugetlb pids rdma misc\n' };
    expect(findMemoryHierarchy(UNIFIED, controllers(table))).toEqual({
      version: 2,
      dir: '/sys/fs/cgroup',
      root: '/',
    });
    expect(findMemoryHierarchy(SUBTREE, controllers(table))).toEqual({
      version: 2,
      dir: '/sys/fs/cgroup',
      root: '/docker/abc',
    });
  });

  it('finds none when no hierarchy has the memory controller', () => {
    expect(findMemoryHierarchy(UNIFIED, controllers({ '/sys/fs/cgroup': 'cpu io pids\n' }))).toBeUndefined();
    expect(findMemoryHierarchy(UNIFIED, controllers({}))).toBeUndefined();
    expect(findMemoryHierarchy(HYBRID.replace(',memory', ',blkio'), controllers({}))).toBeUndefined();
  });
});

describe("the test cgroups' name tag", () => {
  it("tells the test suite's OOM kills from others, by any component of the path", () => {
    expect(TEST_CGROUP_PREFIX).toBe('hog-test-');
    expect(isHogTestCgroup('/hog-test-oom-4242')).toBe(true);
    expect(isHogTestCgroup('/docker/abc/hog-test-oom-4242')).toBe(true);
    expect(isHogTestCgroup('/system.slice/hog-test-x.scope/sub')).toBe(true);
    expect(isHogTestCgroup('/system.slice/postgres.service')).toBe(false);
    expect(isHogTestCgroup('/my-hog-test-app')).toBe(false);
    expect(isHogTestCgroup(undefined)).toBe(false);
  });
});
